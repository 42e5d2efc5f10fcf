/** A client that stops reading: the session keeps at most MAX_BUFFERED_RESULTS pending, drops the oldest, marks `sampled`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sigV4 } from '../raw-http.js';
import { request } from 'node:http';
import { setImmediate as tick } from 'node:timers/promises';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { startSandbox } from '../../../src/sandbox/server.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

test('a stalled live tail client gets the newest events, sampled, and the server stays bounded', async (t) => {
  const sb = await startSandbox({ port: 0 });
  t.after(() => sb.close());
  sb.context.logs.append('g', 's', [{ timestamp: Date.now(), message: 'create' }]);

  const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    const req = request(
      `${sb.endpoint}/`,
      {
        method: 'POST',
        headers: { ...sigV4('logs'), 'x-amz-target': 'Logs_20140328.StartLiveTail', 'content-type': 'application/x-amz-json-1.1' },
      },
      resolve,
    );
    req.on('error', reject);
    req.end(JSON.stringify({ logGroupIdentifiers: ['g'] }));
  });
  assert.equal(res.headers['content-type'], 'application/vnd.amazon.eventstream');
  res.pause();

  const filler = 'x'.repeat(4096);
  const rounds = 10;
  const perRound = 2000;
  for (let r = 0; r < rounds; r++) {
    sb.context.logs.append(
      'g',
      's',
      Array.from({ length: perRound }, (_, i) => ({ timestamp: Date.now(), message: `r${r}-${i} ${filler}` })),
    );
    await tick();
  }
  const lastMessage = `r${rounds - 1}-${perRound - 1} ${filler}`;

  const messages: string[] = [];
  let sampled = false;
  let buffer = Buffer.alloc(0);
  await new Promise<void>((resolve) => {
    res.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4 && buffer.length >= buffer.readUInt32BE(0)) {
        const size = buffer.readUInt32BE(0);
        const frame = codec.decode(buffer.subarray(0, size));
        buffer = buffer.subarray(size);
        if (frame.headers[':event-type']?.value !== 'sessionUpdate') continue;
        const update = JSON.parse(toUtf8(frame.body)) as { sessionMetadata: { sampled: boolean }; sessionResults: { message: string }[] };
        sampled ||= update.sessionMetadata.sampled;
        for (const r of update.sessionResults) messages.push(r.message);
        assert.ok(update.sessionResults.length <= 500);
      }
      if (messages[messages.length - 1] === lastMessage) resolve();
    });
    res.resume();
  });
  res.destroy();

  assert.ok(messages.length < rounds * perRound, `expected drops, got all ${messages.length}`);
  assert.ok(sampled, 'an update after drops says sampled: true');
  const order = messages.map((m) => m.split(' ')[0]!.slice(1).split('-').map(Number) as [number, number]);
  for (let i = 1; i < order.length; i++) {
    const [r0, i0] = order[i - 1]!;
    const [r1, i1] = order[i]!;
    assert.ok(r1 > r0 || (r1 === r0 && i1 > i0), 'events keep their order');
  }
});
