/**
 * AWS list prices used by the cost model (bench/cost.bench.ts → docs/costs.md), in one table.
 * us-east-1, pay-as-you-go, no free tier, as published on the cited pages (DynamoDB on-demand
 * after the November 2024 reduction). Check the pages before relying on a figure; change it
 * here and rerun `npm run bench cost -- --write-docs`.
 */
export const PRICES = {
  region: 'us-east-1',
  dynamodb: {
    /** On-demand, Standard table class: USD per write request unit (1 KB). */
    writeRequestUnit: 0.625 / 1e6,
    /** On-demand, Standard table class: USD per read request unit (strongly consistent 4 KB read; eventually consistent reads cost half). */
    readRequestUnit: 0.125 / 1e6,
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  sqs: {
    /** Standard queue: USD per request (each 64 KB chunk of a payload is one request). */
    request: 0.4 / 1e6,
    source: 'https://aws.amazon.com/sqs/pricing/',
  },
  lambda: {
    /** arm64 (Graviton), first pricing tier: USD per GB-second. */
    gbSecondArm64: 0.0000133334,
    /** USD per invocation. */
    request: 0.2 / 1e6,
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  sns: {
    /** Standard topic: USD per publish (64 KB chunk); deliveries to Lambda are free. */
    publish: 0.5 / 1e6,
    source: 'https://aws.amazon.com/sns/pricing/',
  },
  ses: {
    /** Outbound email: USD per message sent. */
    email: 0.1 / 1000,
    source: 'https://aws.amazon.com/ses/pricing/',
  },
} as const;
