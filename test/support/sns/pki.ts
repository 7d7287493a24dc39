/**
 * Test certificates for SNS signature tests, made in the test: the RSA key with node:crypto,
 * the self-signed X.509 certificate with the `openssl` CLI (Node cannot issue certificates and
 * openssl ships with every CI image; no extra npm dependency). Nothing here touches the
 * network.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestSigningCert {
  readonly pem: string;
  readonly privateKey: KeyObject;
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'the SNS signature tests need the openssl CLI to issue a test certificate; install openssl'
        : `openssl ${args[0]} failed: ${String((cause as { stderr?: Buffer }).stderr ?? cause)}`,
      { cause },
    );
  }
}

/**
 * A self-signed certificate with the given subject CN and DNS SANs (none: CN only), valid from
 * now for `days`, over a fresh key (RSA 2048 unless `keyType: 'ec'`).
 */
export function issueCertificate({
  cn = 'sns.amazonaws.com',
  dnsNames = ['sns.amazonaws.com'],
  days = 30,
  keyType = 'rsa',
}: {
  cn?: string;
  dnsNames?: readonly string[];
  days?: number;
  keyType?: 'rsa' | 'ec';
} = {}): TestSigningCert {
  const { privateKey } =
    keyType === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-sns-pki-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const san = dnsNames.length ? ['-addext', `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(',')}`] : [];
    openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      keyFile,
      '-subj',
      `/O=Mailroom test/CN=${cn}`,
      '-days',
      String(days),
      '-sha256',
      ...san,
      '-out',
      certFile,
    ]);
    return { pem: readFileSync(certFile, 'utf8'), privateKey };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
