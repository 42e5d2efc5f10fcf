/** The engine's matching over the embedded sandbox when ops race the tail: fired during discovery, or on one key in a row. */
import { testTiming } from './observe/helpers.js';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSession } from '../src/session.js';
import type { SessionApi, SessionEvent } from '../src/events.js';
import { foldOpEvents } from '../src/op-state.js';

const dir = mkdtempSync(join(tmpdir(), 's3trigger-session-race-'));
const file = join(dir, 'test.txt');
writeFileSync(file, 'S3 events trigger demo file.\n');
after(() => rmSync(dir, { recursive: true, force: true }));

const env = { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };

function record(session: SessionApi): SessionEvent[] {
  const events: SessionEvent[] = [];
  session.on((e) => events.push(e));
  return events;
}

test('an op fired while the bucket is still being discovered is matched to its own invocation, not shown as foreign', async () => {
  const session = await createSession({ ...testTiming(), local: true, bucket: 'early-bucket', env, matchTimeoutMs: 10_000 });
  try {
    const events = record(session);
    const selecting = session.selectBucket('early-bucket'); // the TUI's "discovering…" header
    const { opId, settled } = session.fire({ kind: 'put', bucket: 'early-bucket', file, key: 'early.txt' });
    await selecting;
    const final = await settled;
    assert.equal(final.status, 'matched');
    assert.equal(final.matches.length, 1);
    assert.notEqual(final.matches[0]?.confidence, 'time');
    assert.equal(events.filter((e) => e.type === 'MatchTimeout' && e.opId === opId).length, 0);
    await new Promise((r) => setTimeout(r, 3500)); // past the foreign grace period
    assert.deepEqual(
      events.filter((e) => e.type === 'Foreign'),
      [],
      'its invocation is not foreign',
    );
  } finally {
    await session.close();
  }
});

test('two multipart uploads of one key in a row: each op gets its own invocation', async () => {
  const session = await createSession({ ...testTiming(), local: true, bucket: 'mm-bucket', env, matchTimeoutMs: 10_000 });
  try {
    const events = record(session);
    await session.selectBucket('mm-bucket');
    const first = await session.fire({ kind: 'multipart', bucket: 'mm-bucket', key: 'bigfile.bin', sizeMB: 6 }).settled;
    assert.equal(first.status, 'matched');
    const second = session.fire({ kind: 'multipart', bucket: 'mm-bucket', key: 'bigfile.bin', sizeMB: 40 });
    const state = await second.settled;
    assert.equal(state.status, 'matched', 'row 2 gets its invocation');
    assert.notEqual(first.matches[0]?.requestId, state.matches[0]?.requestId);
    const matched = events.filter((e) => e.type === 'Matched');
    assert.deepEqual(
      matched.map((e) => e.opId),
      [first.opId, state.opId],
      "row 1 does not take row 2's invocation",
    );
  } finally {
    await session.close();
  }
});

test('Lambda retries of the event (one RequestId) are attempts: the op follows the last one, failed twice then succeeded', async () => {
  const counter = join(dir, 'attempts');
  const handler = join(dir, 'flaky.mjs');
  writeFileSync(
    handler,
    `import { appendFileSync, readFileSync } from 'node:fs';
export const handler = async (event) => {
  appendFileSync(${JSON.stringify(counter)}, 'x');
  const attempt = readFileSync(${JSON.stringify(counter)}, 'utf8').length;
  console.log('EVENT', JSON.stringify(event));
  if (attempt < 3) throw new Error('attempt ' + attempt + ' fails');
  return 'ok';
};
`,
  );
  const session = await createSession({ ...testTiming(), local: true, handler, bucket: 'retry-bucket', env, matchTimeoutMs: 10_000 });
  try {
    const events = record(session);
    await session.selectBucket('retry-bucket');
    const { opId, settled } = session.fire({ kind: 'put', bucket: 'retry-bucket', file, key: 'retry.txt' });
    const first = await settled;
    assert.equal(first.status, 'lambda-failed', 'the first attempt failed');
    assert.equal(first.matches[0]?.confidence, 'request-id');
    const requestId = first.matches[0]!.requestId;
    const last = await new Promise<Extract<SessionEvent, { type: 'InvocationUpdated' }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no third attempt reported')), 10_000);
      const check = (e: SessionEvent) => {
        if (
          e.type === 'InvocationUpdated' &&
          e.invocation.requestId === requestId &&
          e.invocation.attempts?.length === 3 &&
          e.invocation.reportedAt !== undefined
        ) {
          clearTimeout(timer);
          off();
          resolve(e);
        }
      };
      const off = session.on(check);
      for (const e of events) check(e);
    });
    assert.deepEqual(
      last.invocation.attempts?.map((a) => a.status),
      ['failed', 'failed', 'succeeded'],
    );
    assert.equal(last.invocation.status, 'succeeded');
    const starts = last.invocation.lines.filter((l) => l.kind === 'start').map((l) => l.timestamp);
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
      'lines in order',
    );
    const settledAgain = events.filter((e): e is Extract<SessionEvent, { type: 'OpSettled' }> => e.type === 'OpSettled' && e.opId === opId);
    assert.equal(settledAgain.length, 1);
    assert.equal(foldOpEvents({}, events)[opId]?.status, 'matched', "every face's fold: the outcome is the last attempt's");
    assert.deepEqual(
      events.filter((e) => e.type === 'Foreign'),
      [],
      'no attempt shows as a foreign invocation',
    );
  } finally {
    await session.close();
  }
});
