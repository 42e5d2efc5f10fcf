import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpdateRounds } from '../../../src/sandbox/logs/update-rounds.js';

test('update rounds: one send per round however often asked, a cancelled one not at all, the next round a gap later', async () => {
  const rounds = new UpdateRounds(60);
  const sent: string[] = [];
  const a = () => sent.push('a');
  const b = () => sent.push('b');
  const c = () => sent.push('c');
  rounds.request(a);
  rounds.request(a);
  rounds.request(b);
  rounds.request(c);
  rounds.cancel(c);
  await Promise.resolve(); // after a quiet spell: a microtask
  assert.deepEqual(sent, ['a', 'b']);
  rounds.request(b);
  await sleep(20);
  assert.deepEqual(sent, ['a', 'b'], 'within the gap it waits');
  await sleep(80);
  assert.deepEqual(sent, ['a', 'b', 'b']);
});
