import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { AwsChunkedDecoder } from '../../../src/sandbox/s3/aws-chunked.js';
import { BodyDigests, declaredChecksums, verifyChecksums } from '../../../src/sandbox/s3/checksums.js';

async function decode(pieces: string[]): Promise<{ body: string; trailers: Record<string, string> }> {
  const decoder = new AwsChunkedDecoder();
  const out: Buffer[] = [];
  for await (const c of Readable.from(pieces.map((p) => Buffer.from(p, 'latin1'))).pipe(decoder)) out.push(c as Buffer);
  return { body: Buffer.concat(out).toString('latin1'), trailers: decoder.trailers };
}

test('AwsChunkedDecoder: unsigned with trailer, signed, split anywhere', async () => {
  const unsigned = '6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n';
  const signed = '6;chunk-signature=abc\r\nhello \r\n5;chunk-signature=def\r\nworld\r\n0;chunk-signature=0f\r\n\r\n';
  assert.deepEqual(await decode([unsigned]), { body: 'hello world', trailers: { 'x-amz-checksum-crc32': 'DUoRhQ==' } });
  assert.deepEqual(await decode([signed]), { body: 'hello world', trailers: {} });
  for (let i = 1; i < unsigned.length; i++) {
    const r = await decode([unsigned.slice(0, i), unsigned.slice(i)]);
    assert.equal(r.body, 'hello world', `split at ${i}`);
    assert.equal(r.trailers['x-amz-checksum-crc32'], 'DUoRhQ==');
  }
  assert.equal((await decode(['5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n'])).body, 'hello');
});

test('AwsChunkedDecoder: truncated or malformed bodies fail with S3 codes', async () => {
  const cases: [string, string][] = [
    ['6\r\nhel', 'IncompleteBody'],
    ['6\r\nhello \r\n', 'IncompleteBody'],
    ['zz\r\nhello\r\n0\r\n\r\n', 'InvalidRequest'],
    ['5\r\nhelloXX0\r\n\r\n', 'InvalidRequest'],
  ];
  for (const [body, code] of cases) await assert.rejects(decode([body]), { code }, JSON.stringify(body));
});

test('checksums: declared values are validated, computed and compared', async () => {
  const digests = async (data: string, algs: Parameters<typeof declaredChecksums>[0]) => {
    const declared = declaredChecksums(algs);
    const d = new BodyDigests(declared.compute);
    d.update(Buffer.from(data));
    return { declared, result: await d.result() };
  };
  const ok = await digests('hello world', { 'x-amz-checksum-crc32': 'DUoRhQ==' });
  assert.equal(verifyChecksums(ok.declared, {}, ok.result).CRC32, 'DUoRhQ==');
  const sha = await digests('hello world', { 'x-amz-sdk-checksum-algorithm': 'SHA256', 'x-amz-trailer': 'x-amz-checksum-sha256' });
  assert.equal(sha.result.checksums.SHA256, 'uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=');
  const c = await digests('hello world', { 'x-amz-sdk-checksum-algorithm': 'CRC32C', 'x-amz-trailer': 'x-amz-checksum-crc32c' });
  assert.equal(c.result.checksums.CRC32C, 'yZRlqg==');
  const bad = await digests('hello world', { 'x-amz-checksum-crc32': 'AAAAAA==' });
  assert.throws(() => verifyChecksums(bad.declared, {}, bad.result), {
    code: 'BadDigest',
    message: 'The CRC32 you specified did not match the calculated checksum.',
  });
  const md5 = await digests('hello world', { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' });
  assert.throws(() => verifyChecksums(md5.declared, {}, md5.result), { code: 'BadDigest' });
  const trailer = await digests('hello world', { 'x-amz-trailer': 'x-amz-checksum-crc32' });
  assert.throws(() => verifyChecksums(trailer.declared, { 'x-amz-checksum-crc32': 'AAAAAA==' }, trailer.result), { code: 'BadDigest' });
  assert.throws(() => declaredChecksums({ 'x-amz-checksum-crc32': 'not base64!' }), {
    code: 'InvalidRequest',
    message: 'Value for x-amz-checksum-crc32 header is invalid.',
  });
  assert.throws(() => declaredChecksums({ 'content-md5': 'short' }), { code: 'InvalidDigest' });
  assert.throws(() => declaredChecksums({ 'x-amz-sdk-checksum-algorithm': 'CRC32' }), {
    code: 'InvalidRequest',
    message: /no corresponding x-amz-checksum-\*/,
  });
  assert.throws(() => declaredChecksums({ 'x-amz-sdk-checksum-algorithm': 'MD4', 'x-amz-checksum-crc32': 'DUoRhQ==' }), {
    code: 'InvalidRequest',
    message: /unsupported/,
  });
});
