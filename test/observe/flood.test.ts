/**
 * A handler that prints its key first, then thousands of lines (past the per-invocation line cap): each of three
 * PUTs fired together still matches its own invocation by key, through the session over the embedded sandbox.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSession } from '../../src/session.js';
import { DEFAULT_LIMITS } from '../../src/observe/invocations.js';
import type { SessionEvent } from '../../src/events.js';

const FILLER_LINES = 3 * DEFAULT_LIMITS.maxLinesPerInvocation;
const dir = mkdtempSync(join(tmpdir(), 's3trigger-flood-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const handler = join(dir, 'flood.js');
writeFileSync(
  handler,
  `exports.handler = async (event) => {
  const r = event.Records[0];
  console.log('processing', r.eventName, r.s3.object.key);
  for (let i = 0; i < ${FILLER_LINES}; i++) console.log('filler line', i);
  return {};
};
`,
);
const file = join(dir, 'test.txt');
writeFileSync(file, 'S3 events trigger demo file.\n');
const env = { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };

test(`three PUTs, each invocation printing its key then ${FILLER_LINES} lines: all three match by key`, async () => {
  const session = await createSession({ handler, bucket: 'flood-bucket', env, matchTimeoutMs: 90_000 });
  try {
    await session.ensureBucket('flood-bucket');
    await session.selectBucket('flood-bucket');
    const matched = new Map<number, Extract<SessionEvent, { type: 'Matched' }>>();
    const timedOut = new Set<number>();
    const ids: number[] = [];
    const settled = new Promise<void>((done) =>
      session.on((e) => {
        if (e.type === 'Matched' && !matched.has(e.opId)) matched.set(e.opId, e);
        if (e.type === 'MatchTimeout') timedOut.add(e.opId);
        if (ids.length === 3 && ids.every((id) => matched.has(id) || timedOut.has(id))) done();
      }),
    );
    for (const key of ['flood-1.txt', 'flood-2.txt', 'flood-3.txt'])
      ids.push(session.fire({ kind: 'put', bucket: 'flood-bucket', file, key }).opId);
    await settled;
    assert.deepEqual([...timedOut], [], 'no operation timed out');
    for (const [i, id] of ids.entries()) {
      const m = matched.get(id)!;
      assert.equal(m.confidence, 'key', `op ${i + 1} matched by key`);
      assert.ok(
        m.invocation.lines.some((l) => l.message.includes(`flood-${i + 1}.txt`)) ||
          (m.invocation.evidence ?? []).some((l) => l.message.includes(`flood-${i + 1}.txt`)),
        `op ${i + 1} got the invocation that printed its key`,
      );
    }
  } finally {
    await session.close();
  }
});
