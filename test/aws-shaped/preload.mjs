/**
 * Preload for a process that should meet the AWS-shaped test target (`node --import ./preload.mjs`):
 * every TLS connection to `*.amazonaws.com` goes to the test's TLS front (S3TRIGGER_TEST_AWS_FRONT,
 * `127.0.0.1:PORT`), keeping the name for SNI and the certificate check; every other lookup of an
 * `amazonaws.com` name answers 127.0.0.1, so nothing can reach AWS. The test CA comes in through
 * NODE_EXTRA_CA_CERTS. Only this process is affected: nothing system-wide.
 */
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import tls from 'node:tls';

const front = /^([\d.]+):(\d+)$/.exec(process.env.S3TRIGGER_TEST_AWS_FRONT ?? '');
if (!front) throw new Error('S3TRIGGER_TEST_AWS_FRONT must be 127.0.0.1:PORT (the AWS-shaped test target)');
const [, frontHost, frontPort] = front;
const isAwsName = (host) => typeof host === 'string' && /(?:^|\.)amazonaws\.com\.?$/i.test(host);

const connect = tls.connect;
tls.connect = function connectToFront(...args) {
  // Node's https agent calls tls.connect(options); other forms are left alone (their lookup below stays local).
  const [options, ...rest] = args;
  if (options === null || typeof options !== 'object' || !isAwsName(options.host)) return connect.apply(this, args);
  const port = Number(options.port ?? 443);
  if (port !== 443) throw new Error(`AWS-shaped test target: ${options.host}:${port} is not served (only port 443)`);
  const redirected = { ...options, servername: options.servername || options.host, host: frontHost, port: Number(frontPort) };
  return connect.call(this, redirected, ...rest);
};

const lookup = dns.lookup;
dns.lookup = function lookupLocally(hostname, ...rest) {
  if (!isAwsName(hostname)) return lookup.call(this, hostname, ...rest);
  const callback = rest.pop();
  const options = typeof rest[0] === 'object' && rest[0] !== null ? rest[0] : {};
  const address = { address: '127.0.0.1', family: 4 };
  process.nextTick(() => (options.all ? callback(null, [address]) : callback(null, address.address, address.family)));
  return {};
};
syncBuiltinESMExports();
