/** The engine's matching over the embedded sandbox when ops race the tail: fired during discovery, or on one key in a row. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSession } from '../src/session.js';
import type { SessionApi, SessionEvent } from '../src/events.js';

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
  const session = await createSession({ local: true, bucket: 'early-bucket', env, matchTimeoutMs: 10_000 });
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
    assert.deepEqual(events.filter((e) => e.type === 'Foreign'), [], 'its invocation is not foreign');
  } finally {
    await session.close();
  }
});

test('two multipart uploads of one key in a row: each op gets its own invocation', async () => {
  const session = await createSession({ local: true, bucket: 'mm-bucket', env, matchTimeoutMs: 10_000 });
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
    assert.deepEqual(matched.map((e) => e.opId), [first.opId, state.opId], 'row 1 does not take row 2\'s invocation');
  } finally {
    await session.close();
  }
});
