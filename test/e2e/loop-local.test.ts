/**
 * `s3trigger --local --handler stamper.mjs`: the embedded sandbox runs the Sparta seed's stamper (it writes a new
 * object into the bucket that triggers it, no prefix guard); Lambda's recursion detection stops the loop after 16
 * invocations and the run reports it on the PUT that started it, before it exits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliBuilt, NOT_BUILT, runCli, workDir } from '../ci/helpers.js';

const STAMPER = `import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
const s3 = new S3Client({ forcePathStyle: true });
export const handler = async (event) => {
  for (const record of event.Records) {
    const key = 'stamped-' + Date.now() + '-' + Math.random().toString(16).slice(2) + '.png';
    await s3.send(new PutObjectCommand({ Bucket: record.s3.bucket.name, Key: key, Body: 'stamped' }));
  }
};
`;

test('--local --handler: the loop the PUT started is reported as stopped by Lambda recursion detection', {
  skip: !cliBuilt && NOT_BUILT,
}, async (t) => {
  const dir = workDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'stamper.mjs'), STAMPER);
  const r = await runCli(
    ['--local', '--handler', 'stamper.mjs', '--bucket', 'loop-local', '--put', 'test.txt', '--wait', '--timeout', '20s'],
    dir,
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = r.stdout + r.stderr;
  assert.match(out, /Invocation \S+ in \/aws\/lambda\/event-handler matched/);
  assert.match(
    out,
    /Warning: loop stopped by Lambda recursion detection: the event of s3:\/\/loop-local\/test\.txt started a recursive loop \(S3 event -> event-handler -> S3 event \.\.\.\); event-handler ran 16 times, then its next event was dropped\./,
  );
});
