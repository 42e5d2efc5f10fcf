/**
 * A test CA and one leaf certificate for AWS's endpoint names of the sandbox's services in one region,
 * made at test time with `openssl` (EC P-256, valid one day) in a directory the caller removes.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  /** PEM file of the CA, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** The leaf's key and certificate (PEM), for the TLS front. */
  key: string;
  cert: string;
  /** The DNS names the leaf covers. */
  names: string[];
}

/** The names the AWS SDKs use for S3 (path and virtual-host style), CloudWatch Logs and its live tail, Lambda and STS. */
export function awsEndpointNames(region: string): string[] {
  const regional = ['s3', 'logs', 'stream-logs', 'lambda', 'sts'].map((prefix) => `${prefix}.${region}.amazonaws.com`);
  return [...regional, `*.s3.${region}.amazonaws.com`, 's3.amazonaws.com', '*.s3.amazonaws.com', 'sts.amazonaws.com'];
}

/** Why the certificates cannot be made here (no openssl), or undefined. */
export async function opensslMissing(): Promise<string | undefined> {
  try {
    await run('openssl', ['version']);
    return undefined;
  } catch {
    return 'openssl not found: the AWS-shaped target needs it for its test CA (apt-get install openssl)';
  }
}

/** Writes a CA and a leaf for `awsEndpointNames(region)` into `dir`. */
export async function makeTestCertificates(dir: string, region: string): Promise<TestCertificates> {
  const names = awsEndpointNames(region);
  const file = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=s3trigger test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', [
    'req',
    ...ec,
    '-keyout',
    file('leaf.key'),
    '-out',
    file('leaf.csr'),
    '-subj',
    '/CN=amazonaws.com (s3trigger test)',
  ]);
  writeFileSync(
    file('leaf.ext'),
    `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('leaf.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-set_serial',
    '1',
    '-days',
    '1',
    '-extfile',
    file('leaf.ext'),
    '-out',
    file('leaf.pem'),
  ]);
  return { caFile: file('ca.pem'), key: readFileSync(file('leaf.key'), 'utf8'), cert: readFileSync(file('leaf.pem'), 'utf8'), names };
}
