/**
 * The soak of issue #11: 500 operations of mixed kinds in one process against the embedded sandbox under AWS's
 * timing (scaled to 1/100, fixed seed): every operation is matched to its own invocation, none is cross-matched,
 * none is lost.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeEventKey } from '../src/aws/s3-events.js';
import type { OpState } from '../src/op-state.js';
import { eventNameFor } from '../src/ops/registry.js';
import type { OpInput } from '../src/ops/types.js';
import { createSession } from '../src/session.js';

const OPERATIONS = 500;
const IN_FLIGHT = 10;
const BUCKET = 'soak-bucket';
const env = { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };

/**
 * Group g's four operations, fired in order by one worker (so COPY and DELETE find their source): PUT a, COPY a to
 * b, POST c (every tenth group a 1 MB multipart to c instead), DELETE a.
 */
function group(g: number, file: string): OpInput[] {
  const key = (name: string) => `soak/${g} ${name}+é.txt`; // a space, a plus and UTF-8: keys as events encode them
  return [
    { kind: 'put', bucket: BUCKET, file, key: key('a') },
    { kind: 'copy', bucket: BUCKET, sourceBucket: BUCKET, sourceKey: key('a'), key: key('b') },
    g % 10 === 9 ? { kind: 'multipart', bucket: BUCKET, key: key('c'), sizeMB: 1 } : { kind: 'post', bucket: BUCKET, file, key: key('c') },
    { kind: 'delete', bucket: BUCKET, key: key('a') },
  ];
}

/** The key the demo handler printed for the invocation: `Object: <key as S3 encodes it>`. */
function printedKey(state: OpState): string | undefined {
  const text = state.matches[0]?.invocation.lines.map((l) => l.message).join('\n') ?? '';
  return /Object:\s+(\S+)/.exec(text)?.[1];
}

test(`soak: ${OPERATIONS} mixed operations under --timing aws (scaled): each matched to its own invocation, none lost`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-soak-'));
  const file = join(dir, 'test.txt');
  writeFileSync(file, 'S3 events trigger demo file.\n');
  const session = await createSession({
    local: true,
    bucket: BUCKET,
    env,
    matchTimeoutMs: 60_000,
    timing: { profile: 'aws', scale: 0.01, seed: 23 },
  });
  try {
    await session.ensureBucket(BUCKET);
    await session.selectBucket(BUCKET);
    const states: OpState[] = [];
    let next = 0;
    const worker = async () => {
      while (next < OPERATIONS / 4) {
        const g = next++;
        for (const input of group(g, file)) states.push(await session.fire(input).settled);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

    const lost = states.filter((s) => s.status !== 'matched');
    assert.deepEqual(
      lost.map((s) => `${s.opId} ${s.input.kind} ${s.status} ${s.result?.error?.code ?? ''}`),
      [],
      'every operation matched',
    );
    const crossed = states.filter((s) => {
      const key = s.result?.key ?? '';
      const text = s.matches[0]?.invocation.lines.map((l) => l.message).join('\n') ?? '';
      return printedKey(s) !== encodeEventKey(key) || !text.includes(`Event Type: ${eventNameFor(s.input.kind)}`);
    });
    assert.deepEqual(
      crossed.map((s) => `${s.opId} ${s.input.kind} ${s.result?.key} <- ${printedKey(s)}`),
      [],
      'each matched to its own invocation',
    );
    const owners = new Map<string, number>();
    for (const s of states) for (const m of s.matches) owners.set(m.requestId, (owners.get(m.requestId) ?? 0) + 1);
    assert.deepEqual(
      [...owners].filter(([, n]) => n > 1),
      [],
      'no invocation claimed by two operations',
    );
  } finally {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
