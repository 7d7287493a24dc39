/**
 * How the events store packs a raw provider payload into a Binary attribute: the payload's
 * JSON text, DEFLATE-compressed (the algorithm of gzip, without gzip's 18-byte header and
 * trailer) with a preset dictionary of the JSON that SES events are made of (field names,
 * header names, tag names, structure; no values of any real event).
 *
 * A small document compresses badly on its own: the compressor has not seen any of its text
 * yet. The dictionary gives it that text up front. On the SES event fixtures (test/fixtures/ses)
 * this takes the payload to 30% of its JSON size, against 46% for brotli without a dictionary
 * (an SES Delivery event: 1.3 KB of JSON, 541 bytes with brotli, ~330 with the dictionary),
 * which is what brings an event item under the 1 KB a write unit covers. Payloads of other
 * providers compress too, just without the head start.
 *
 * The first byte names the format, so the dictionary can never change under stored items:
 * a different dictionary is a new format byte, and every format stays readable.
 *   0x01  deflate-raw, level 9, dictionary SES_DICTIONARY_V1
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { MailroomError } from '../errors.js';

const FORMAT_DEFLATE_SES_V1 = 0x01;

/** Frozen: items written with format 0x01 need these exact bytes to be read. */
const SES_DICTIONARY_V1 = Buffer.from(
  [
    '"bounce":{"feedbackId":"","bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}],"timestamp":"","reportingMTA":"dsn; "}',
    '"complaint":{"feedbackId":"","complaintSubType":null,"complainedRecipients":[{"emailAddress":""}],"timestamp":"","userAgent":"","complaintFeedbackType":"abuse","arrivalDate":""}',
    '"deliveryDelay":{"timestamp":"","delayType":"","expirationTime":"","delayedRecipients":[{"emailAddress":"","status":"4.4.7","diagnosticCode":""}]}',
    '"click":{"ipAddress":"","link":"https://","linkTags":{},"timestamp":"","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"}',
    '"open":{"ipAddress":"","timestamp":"","userAgent":"Mozilla/5.0 (iPhone; CPU iPhone OS like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"}',
    '"delivery":{"timestamp":"","processingTimeMillis":,"recipients":[""],"smtpResponse":"250 2.0.0 OK","reportingMTA":"a8-.smtp-out.amazonses.com","remoteMtaIp":""}',
    '{"eventType":"Delivery","mail":{"timestamp":"","source":"","sourceArn":"arn:aws:ses:us-east-1::identity/","sendingAccountId":"","messageId":"","destination":[""],"headersTruncated":false,"headers":[{"name":"From","value":""},{"name":"To","value":""},{"name":"Subject","value":""},{"name":"MIME-Version","value":"1.0"},{"name":"Content-Type","value":"multipart/alternative; boundary=\\"----=_Part_"},{"name":"Message-ID","value":"<"},{"name":"Date","value":""},{"name":"X-SES-CONFIGURATION-SET","value":""},{"name":"X-SES-MESSAGE-TAGS","value":""},{"name":"X-Metadata","value":""}],"commonHeaders":{"from":[""],"to":[""],"messageId":"","subject":"","date":""},"tags":{"ses:operation":["SendEmail"],"ses:configuration-set":[""],"ses:source-ip":[""],"ses:from-domain":[""],"ses:caller-identity":[""],"ses:outgoing-ip":[""],"mailroom-message-id":[""]}}',
    '"@amazonses.com","@example.com"',
  ].join(''),
  'utf8',
);

export class RawPayloadFormatError extends MailroomError {}

/** The payload's JSON text, packed (format byte + compressed bytes). */
export function packRaw(json: string): Uint8Array {
  const body = deflateRawSync(Buffer.from(json, 'utf8'), { level: 9, dictionary: SES_DICTIONARY_V1 });
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = FORMAT_DEFLATE_SES_V1;
  body.copy(out, 1);
  return out;
}

/** The JSON text packRaw packed. */
export function unpackRaw(packed: Uint8Array): string {
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  if (bytes[0] !== FORMAT_DEFLATE_SES_V1) throw new RawPayloadFormatError(`unknown raw payload format byte ${bytes[0] ?? '(empty)'}`);
  return inflateRawSync(bytes.subarray(1), { dictionary: SES_DICTIONARY_V1 }).toString('utf8');
}
