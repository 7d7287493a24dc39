/**
 * E.164 syntax (ITU-T E.164): `+`, a non-zero country-code digit, at most 15 digits in all.
 * The one pattern for numbers everywhere: destinations (then also checked against the
 * numbering plan's mobile ranges by parseE164 in ./phone.ts), origination numbers, which only
 * need the syntax (toll-free and 10DLC numbers are valid senders but not mobile numbers), and
 * telling a number from a sender ID. Kept in its own module so code that only needs the syntax
 * (the email Lambda's feature checks) does not bundle libphonenumber's metadata.
 */
export const E164_SYNTAX = /^\+[1-9]\d{1,14}$/;
