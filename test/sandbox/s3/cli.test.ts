/** The AWS CLI v1 (`aws` on PATH) and v2 (/usr/bin/aws) against the sandbox: the blog's walkthrough. */
import { AWS_CLIS, findCli } from '../../aws-cli.js';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliEnv, FN_ARN, startS3, type S3Harness } from './helpers.js';

const run = promisify(execFile);

let h: S3Harness;
before(async () => {
  h = await startS3();
});
after(() => h.close());

for (const [label, candidate, major] of AWS_CLIS) {
  test(`AWS CLI ${label}: mb, notification config, s3 cp/rm (small and multipart), s3api 3-step multipart, events`, async (t) => {
    const cli = await findCli(candidate, major);
    if (!cli) {
      t.skip(`aws CLI ${label} not found (${candidate})`);
      return;
    }
    const env = cliEnv(h.sandbox);
    const aws = async (...args: string[]) =>
      (await run(cli, ['--endpoint-url', h.sandbox.endpoint, ...args], { env, maxBuffer: 1 << 24 })).stdout;
    const bucket = `cli-${label}-bucket`;
    const dir = mkdtempSync(join(tmpdir(), 's3trigger-cli-test-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'test.txt');
    writeFileSync(file, 'Hello from S3 bucket events!\n');

    await aws('s3', 'mb', `s3://${bucket}`);
    await aws(
      's3api',
      'put-bucket-notification-configuration',
      '--bucket',
      bucket,
      '--skip-destination-validation',
      '--notification-configuration',
      JSON.stringify({
        LambdaFunctionConfigurations: [
          { LambdaFunctionArn: FN_ARN, Events: ['s3:ObjectCreated:*'] },
          { LambdaFunctionArn: FN_ARN, Events: ['s3:ObjectRemoved:*'] },
        ],
      }),
    );
    const cfg = JSON.parse(await aws('s3api', 'get-bucket-notification-configuration', '--bucket', bucket));
    assert.equal(cfg.LambdaFunctionConfigurations.length, 2);
    assert.ok(cfg.LambdaFunctionConfigurations.every((c: { Id: string }) => c.Id));
    const ids = cfg.LambdaFunctionConfigurations.map((c: { Id: string }) => c.Id);

    h.events.length = 0;
    await aws('s3', 'cp', file, `s3://${bucket}`);
    await aws('s3', 'cp', `s3://${bucket}/test.txt`, `s3://${bucket}/copy_test.txt`);
    assert.equal(await aws('s3', 'cp', `s3://${bucket}/copy_test.txt`, '-'), 'Hello from S3 bucket events!\n');
    await aws('s3', 'rm', `s3://${bucket}/copy_test.txt`);

    const part1 = join(dir, 'part1.bin');
    const part2 = join(dir, 'part2.bin');
    writeFileSync(part1, Buffer.alloc(5 * 1024 * 1024, 'a'));
    writeFileSync(part2, Buffer.alloc(1024, 'b'));
    const uploadId = (
      await aws('s3api', 'create-multipart-upload', '--bucket', bucket, '--key', 'bigfile.bin', '--query', 'UploadId', '--output', 'text')
    ).trim();
    const etag1 = (
      await aws(
        's3api',
        'upload-part',
        '--bucket',
        bucket,
        '--key',
        'bigfile.bin',
        '--part-number',
        '1',
        '--body',
        part1,
        '--upload-id',
        uploadId,
        '--query',
        'ETag',
        '--output',
        'text',
      )
    ).trim();
    const etag2 = (
      await aws(
        's3api',
        'upload-part',
        '--bucket',
        bucket,
        '--key',
        'bigfile.bin',
        '--part-number',
        '2',
        '--body',
        part2,
        '--upload-id',
        uploadId,
        '--query',
        'ETag',
        '--output',
        'text',
      )
    ).trim();
    const done = JSON.parse(
      await aws(
        's3api',
        'complete-multipart-upload',
        '--bucket',
        bucket,
        '--key',
        'bigfile.bin',
        '--upload-id',
        uploadId,
        '--multipart-upload',
        JSON.stringify({
          Parts: [
            { ETag: JSON.parse(etag1), PartNumber: 1 },
            { ETag: JSON.parse(etag2), PartNumber: 2 },
          ],
        }),
      ),
    );
    assert.match(done.ETag, /^"[0-9a-f]{32}-2"$/);

    const summary = h.events.map((e) => `${e.record.eventName} ${e.record.s3.object.key}`);
    assert.deepEqual(summary, [
      'ObjectCreated:Put test.txt',
      'ObjectCreated:Copy copy_test.txt',
      'ObjectRemoved:Delete copy_test.txt',
      'ObjectCreated:CompleteMultipartUpload bigfile.bin',
    ]);
    assert.deepEqual(
      h.events.map((e) => e.record.s3.configurationId),
      [ids[0], ids[0], ids[1], ids[0]],
    );
    assert.equal(h.events[3]!.record.s3.object.eTag, JSON.parse(done.ETag));
    assert.equal(h.events[3]!.record.s3.object.size, 5 * 1024 * 1024 + 1024);

    // Above the CLI's 8 MB threshold: multipart upload, multipart copy (UploadPartCopy), ranged download.
    const big = join(dir, 'big.bin');
    const back = join(dir, 'big.back');
    writeFileSync(big, Buffer.alloc(9 * 1024 * 1024, 'z'));
    h.events.length = 0;
    await aws('s3', 'cp', big, `s3://${bucket}/big.bin`, '--only-show-errors');
    await aws('s3', 'cp', `s3://${bucket}/big.bin`, `s3://${bucket}/big-copy.bin`, '--only-show-errors');
    await aws('s3', 'cp', `s3://${bucket}/big-copy.bin`, back, '--only-show-errors');
    assert.ok(readFileSync(back).equals(readFileSync(big)), 'big object round trip');
    assert.deepEqual(
      h.events.map((e) => `${e.record.eventName} ${e.record.s3.object.key} ${e.record.s3.object.size}`),
      [
        `ObjectCreated:CompleteMultipartUpload big.bin ${9 * 1024 * 1024}`,
        `ObjectCreated:CompleteMultipartUpload big-copy.bin ${9 * 1024 * 1024}`,
      ],
    );

    h.events.length = 0;
    await aws('s3', 'rm', `s3://${bucket}`, '--recursive');
    assert.deepEqual(h.events.map((e) => `${e.record.eventName} ${e.record.s3.object.key}`).sort(), [
      'ObjectRemoved:Delete big-copy.bin',
      'ObjectRemoved:Delete big.bin',
      'ObjectRemoved:Delete bigfile.bin',
      'ObjectRemoved:Delete test.txt',
    ]);
    await aws('s3', 'rb', `s3://${bucket}`);
  });
}
