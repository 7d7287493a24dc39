/**
 * Bounded concurrency for the per-event DynamoDB calls of one notification or one CloudWatch
 * Logs batch: enough in flight to hide round trips, few enough not to throttle the table or
 * exhaust the SDK's socket pool.
 */

/** How many calls ingest keeps in flight (SES caps a message at 50 recipients; a logs batch can hold thousands). */
export const INGEST_CONCURRENCY = 8;

/**
 * Runs `fn` over `items` with at most `limit` in flight; results in input order. Every item is
 * attempted; then the first error, if any, is thrown (the caller's retry redoes the batch, and
 * every write behind `fn` is idempotent).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length) throw errors[0];
  return results;
}
