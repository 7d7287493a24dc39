/**
 * How every Lambda is bundled, in one place: the CDK stack (`cdkBundling`, through
 * NodejsFunction's local esbuild), the bundle benchmark, the bundle tests and any prebuild
 * script (`esbuildOptions` / `buildLambda`, through esbuild's API) all read these constants, so
 * what is measured and tested is what is deployed.
 *
 * A bundle is one minified ESM file (`index.mjs` + source map) targeting Node 20, with the AWS
 * SDK v3 left to the Lambda runtime, plus, for bundles that parse mail, iconv-lite's
 * double-byte tables as side files loaded on first use. Budget: 1 MiB per bundle
 * (`BUNDLE_BUDGET_BYTES`); mailparser with every table inlined made the inbound bundle 1,355 KiB.
 * What keeps the mail parsers small, measured on Node 20.20 (bench/bundle.bench.ts reports
 * the sizes):
 *
 * - iconv-lite's CJK tables (GBK/GB18030, Big5-HKSCS, Shift_JIS, EUC-JP, EUC-KR/UHC: 390 KiB
 *   inlined) stay out of the bundle: iconv-lite already `require()`s each table on first use,
 *   so marking `./tables/*` external and shipping the JSON files beside `index.mjs` (209 KiB,
 *   read only when mail in one of those charsets arrives) keeps iconv-lite's exact decoding.
 *   Its single-byte tables (ISO-8859-x, windows-125x, KOI8, IBM, Mac: 56 KiB) stay inlined:
 *   that is most non-UTF-8 mail.
 * - Not Node's TextDecoder instead: its ICU converters are not a drop-in for mail on Node 20
 *   (windows-1252, which iso-8859-1 and us-ascii labels resolve to, decodes 0x80-0x9F as C1
 *   controls instead of € and smart quotes; Big5 lacks HKSCS; EUC-KR lacks the UHC extension
 *   Outlook's ks_c_5601-1987 mail uses; Shift_JIS swaps 0x1A/0x1C/0x7F; ISO-8859-16 is missing).
 * - encoding-japanese (225 KiB) becomes lambdas/shims/encoding-japanese.ts: ISO-2022-JP
 *   rewritten as EUC-JP and decoded by iconv-lite.
 * - html-to-text and its HTML parser (235 KiB) become lambdas/shims/html-to-text.ts, because
 *   src/inbound/parse.ts never derives text from HTML.
 * - Output keeps UTF-8 characters as they are (`charset: utf8`) instead of `\uXXXX` escapes.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** Node.js version the bundles target, so the code also runs on Node 20 (the runtime is newer). */
export const BUNDLE_TARGET = 'node20';

/** No Lambda bundle (index.mjs) may be larger than this: cold start reads and compiles all of it. */
export const BUNDLE_BUDGET_BYTES = 1024 * 1024;

/** Goal for the mail parsing bundles (inbound, tracking HTTPS), which carry mailparser. */
export const MAIL_PARSER_BUNDLE_GOAL_BYTES = 600 * 1024;

/** Every Lambda handler entry, relative to the repository root. */
export const LAMBDA_ENTRIES = {
  sendEmail: 'lambdas/send/email.ts',
  sendSms: 'lambdas/send/sms.ts',
  tracking: 'lambdas/tracking/handler.ts',
  trackingHttps: 'lambdas/tracking/https.ts',
  smsStatus: 'lambdas/tracking/sms-status.ts',
  inbound: 'lambdas/inbound/handler.ts',
  accountSettings: 'lambdas/deploy/account-settings.ts',
} as const;

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** ESM needs a `require` for the CommonJS dependencies esbuild inlines (and the side files). */
const BANNER =
  "import { createRequire as __mailroomCreateRequire } from 'node:module'; const require = __mailroomCreateRequire(import.meta.url);";

/** The Lambda runtime provides the AWS SDK v3 (unless bundleAwsSdk pins our version). */
const AWS_SDK = ['@aws-sdk/*'];

/**
 * iconv-lite loads its double-byte tables with `require("./tables/<name>.json")` on first use
 * (node_modules/iconv-lite/encodings/dbcs-data.js); left external, that resolves beside
 * index.mjs (the banner's require is relative to the bundle), where TABLES_DIR is copied.
 */
const LAZY_TABLES = './tables/*';
export const TABLES_DIR = 'tables';

/** Dependencies replaced in the bundles by smaller stand-ins (see each file's comment). */
export const ALIASES: Readonly<Record<string, string>> = {
  'encoding-japanese': './lambdas/shims/encoding-japanese.ts',
  'html-to-text': './lambdas/shims/html-to-text.ts',
};

export interface LambdaBundleOptions {
  /** Bundle the AWS SDK instead of using the runtime's (config operations.bundleAwsSdk). @default false */
  readonly bundleAwsSdk?: boolean;
}

/** iconv-lite's table folder in node_modules. */
export function iconvTablesDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('iconv-lite/package.json')), 'encodings', 'tables');
}

/** Whether a bundle's code loads the lazy tables (only bundles with iconv-lite do). */
export function needsTables(code: string): boolean {
  return code.includes(`"./${TABLES_DIR}/`);
}

/** esbuild API options for one entry (no outfile): what `buildLambda` and prebuild scripts use. */
export function esbuildOptions(entry: string, options: LambdaBundleOptions = {}): BuildOptions {
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: BUNDLE_TARGET,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    charset: 'utf8',
    mainFields: ['module', 'main'],
    external: [...(options.bundleAwsSdk ? [] : AWS_SDK), LAZY_TABLES],
    alias: { ...ALIASES },
    banner: { js: BANNER },
    logLevel: 'warning',
  };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The same options for NodejsFunction (local esbuild, never Docker, so `cdk synth` works
 * offline on any machine); an afterBundling hook copies the tables next to bundles that load them.
 */
export function cdkBundling(options: LambdaBundleOptions = {}): nodejs.BundlingOptions {
  const tables = iconvTablesDir();
  return {
    forceDockerBundling: false,
    format: nodejs.OutputFormat.ESM,
    target: BUNDLE_TARGET,
    platform: 'node',
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    charset: nodejs.Charset.UTF8,
    mainFields: ['module', 'main'],
    externalModules: [...(options.bundleAwsSdk ? [] : AWS_SDK), LAZY_TABLES],
    ...(options.bundleAwsSdk ? { bundleAwsSDK: true } : {}),
    esbuildArgs: { '--alias': Object.entries(ALIASES).map(([from, to]) => `${from}=${to}`) },
    banner: BANNER,
    logLevel: nodejs.LogLevel.WARNING,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir, outputDir) => [
        `if grep -q ${shellQuote(`"./${TABLES_DIR}/`)} ${shellQuote(join(outputDir, 'index.mjs'))}; then cp -R ${shellQuote(tables)} ${shellQuote(join(outputDir, TABLES_DIR))}; fi`,
      ],
    },
  };
}

export interface BuiltLambda {
  /** The bundle, index.mjs. */
  readonly file: string;
  readonly bytes: number;
  /** Bytes of side files (the lazily loaded tables), 0 when the bundle needs none. */
  readonly sideBytes: number;
}

/** Bundles one entry into `outDir` (index.mjs, its map, and the tables if it loads them). */
export async function buildLambda(entry: string, outDir: string, options: LambdaBundleOptions = {}): Promise<BuiltLambda> {
  const { build } = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'index.mjs');
  await build({ ...esbuildOptions(entry, options), outfile: file });
  let sideBytes = 0;
  if (needsTables(readFileSync(file, 'utf8'))) {
    const target = join(outDir, TABLES_DIR);
    cpSync(iconvTablesDir(), target, { recursive: true });
    for (const name of readdirSync(target)) sideBytes += statSync(join(target, name)).size;
  }
  return { file, bytes: statSync(file).size, sideBytes };
}
