/** A price as plain decimal digits (SNS Number attributes, End User Messaging MaxPrice), never in exponent notation. */
export function formatPrice(price: number): string {
  return price.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}
