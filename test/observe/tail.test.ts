/**
 * Tail paths against the sandbox over real HTTP, faults injected by a small proxy:
 * group created after start, live tail refused, stream dropped, throttling.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { Observer, type ObserveEvent, type ObserverOptions } from '../../src/observe/observer.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import type { TailState } from '../../src/observe/types.js';
import { awsError, createGroup, FaultProxy, logsClient, put, Recorder, sandbox } from './helpers.js';

let sb: Sandbox;
let direct: CloudWatchLogsClient;
let n = 0;

before(async () => {
  sb = await sandbox();
  direct = logsClient(sb.endpoint, sb.region);
});
after(async () => {
  direct.destroy();
  await sb.close();
});

const FAST: Partial<ObserverOptions> = { pollFastMs: 100, pollIdleMs: 150, foreignGraceMs: 300, settleMs: 150, maxBackoffMs: 2000 };

async function withProxy<T>(fn: (proxy: FaultProxy, logs: CloudWatchLogsClient) => Promise<T>, maxAttempts?: number): Promise<T> {
  const proxy = await new FaultProxy(sb.endpoint).start();
  const logs = logsClient(proxy.endpoint, sb.region, maxAttempts ? { maxAttempts } : {});
  try {
    return await fn(proxy, logs);
  } finally {
    logs.destroy();
    await proxy.close();
  }
}

const states = (rec: Recorder): TailState[] => rec.of('TailState').map((e) => e.state);
const line = (tag: string, i: number) => `${tag} line ${i}\n`;

test('a log group created after start is waited for, then tailed live', async () => {
  const group = `/aws/lambda/late-${++n}`;
  const observer = new Observer({ logs: direct, logGroups: [group], ...FAST });
  const rec = new Recorder(observer);
  try {
    await observer.start();
    assert.equal(states(rec).at(-1)?.mode, 'waiting-for-group');
    await createGroup(direct, group, ['s']);
    await put(direct, group, 's', [{ timestamp: Date.now(), message: line('first', 1) }]);
    await rec.waitFor((e) => e.type === 'LogLine' && e.line.message === line('first', 1), 'the first line');
    await rec.waitFor((e) => e.type === 'TailState' && e.state.mode === 'live', 'live');
    await put(direct, group, 's', [{ timestamp: Date.now(), message: line('second', 2) }]);
    await rec.waitFor((e) => e.type === 'LogLine' && e.line.message === line('second', 2), 'a live line');
    assert.equal(rec.lineCount(line('first', 1)), 1);
    assert.equal(rec.lineCount(line('second', 2)), 1);
  } finally {
    await observer.stop();
  }
  assert.equal(states(rec).at(-1)?.mode, 'stopped');
});

for (const refusal of ['UnknownOperationException', 'AccessDeniedException', 'LimitExceededException'] as const) {
  test(`live tail refused (${refusal}) -> polling FilterLogEvents`, async () => {
    await withProxy(async (proxy, logs) => {
      proxy.decide = (op) => (op === 'StartLiveTail' ? awsError(refusal) : 'pass');
      const group = `/aws/lambda/refused-${++n}`;
      await createGroup(direct, group, ['s']);
      const observer = new Observer({ logs, logGroups: [group], ...FAST });
      const rec = new Recorder(observer);
      try {
        await observer.start();
        const polling = await rec.waitFor<{ type: 'TailState'; state: TailState }>(
          (e) => e.type === 'TailState' && e.state.mode === 'polling',
          'polling',
        );
        assert.match(polling.state.detail ?? '', new RegExp(`live tail refused \\(${refusal}`));
        assert.equal(typeof polling.state.intervalMs, 'number');
        await put(direct, group, 's', [{ timestamp: Date.now(), message: line('polled', 1) }]);
        await rec.waitFor((e) => e.type === 'LogLine' && e.line.message === line('polled', 1), 'a polled line');
        assert.equal(proxy.count('StartLiveTail'), 1);
      } finally {
        await observer.stop();
      }
    }, 1);
  });
}

test('the settle backfill after a connect reads up to the connect only: later lines come from the live stream, once each', async () => {
  await withProxy(async (proxy, logs) => {
    const group = `/aws/lambda/settle-${++n}`;
    await createGroup(direct, group, ['s']);
    const filterReads: { startTime?: number; endTime?: number }[] = [];
    proxy.rewriteRequest = (op, body) => {
      if (op === 'FilterLogEvents') filterReads.push(JSON.parse(body.toString()) as { startTime?: number; endTime?: number });
      return body;
    };
    const observer = new Observer({ logs, logGroups: [group], ...FAST, clockSkewMs: 50 });
    const rec = new Recorder(observer);
    try {
      await put(direct, group, 's', [{ timestamp: Date.now() - 100, message: line('before', 0) }]);
      const startedAt = Date.now();
      await observer.start();
      const connectedBy = Date.now();
      assert.equal(states(rec).at(-1)?.mode, 'live');
      const later = [1, 2, 3].map((i) => ({ timestamp: connectedBy + 1000 + i, message: line('after', i) }));
      await put(direct, group, 's', later);
      for (const l of later) await rec.waitFor((e) => e.type === 'LogLine' && e.line.message === l.message, 'a live line');
      await new Promise((r) => setTimeout(r, 600)); // the settle backfill (150 ms after the first one)
      assert.ok(filterReads.length >= 2, `two backfills, got ${filterReads.length}`);
      const settle = filterReads[1]!;
      assert.equal(typeof settle.endTime, 'number', 'the settle backfill has an end');
      assert.ok(settle.endTime! >= startedAt && settle.endTime! <= connectedBy + 50, `end ${settle.endTime} within the connect + skew`);
      for (const m of [line('before', 0), ...later.map((l) => l.message)]) assert.equal(rec.lineCount(m), 1, `exactly once: ${m}`);
    } finally {
      await observer.stop();
    }
  });
});

test('a dropped live stream reconnects and backfills the gap: no gap, no duplicate', async () => {
  await withProxy(async (proxy, logs) => {
    const group = `/aws/lambda/drop-${++n}`;
    await createGroup(direct, group, ['a', 'b']);
    const observer = new Observer({ logs, logGroups: [group], ...FAST });
    const rec = new Recorder(observer);
    try {
      await observer.start();
      assert.equal(states(rec).at(-1)?.mode, 'live');
      const messages: string[] = [];
      const write = async (tag: string, count: number) => {
        for (let i = 0; i < count; i++) {
          const message = line(tag, i);
          messages.push(message);
          await put(direct, group, i % 2 ? 'a' : 'b', [{ timestamp: Date.now(), message }]);
        }
      };
      await write('before', 5);
      await rec.waitFor((e) => e.type === 'LogLine' && e.line.message === line('before', 4), 'live lines before the drop');

      proxy.decide = (op) => (op === 'StartLiveTail' ? 'hold' : 'pass'); // the reconnect waits until we let it
      proxy.killLive();
      await rec.waitFor((e) => e.type === 'TailState' && e.state.mode === 'reconnecting', 'reconnecting');
      await write('gap', 6); // written while no stream is open
      proxy.decide = () => 'pass';
      proxy.release();
      await rec.waitFor(
        (e) => e.type === 'TailState' && e.state.mode === 'live' && rec.of('TailState').some((s) => s.state.mode === 'reconnecting'),
        'live again',
      );
      await write('after', 5);
      await rec.waitFor((e) => e.type === 'LogLine' && e.line.message === line('after', 4), 'lines after the reconnect');
      for (let i = 0; i < 6; i++) await rec.waitFor((e) => e.type === 'LogLine' && e.line.message === line('gap', i), `gap line ${i}`);
      await new Promise((r) => setTimeout(r, 400)); // let the settle backfill run: it must add nothing
      for (const m of messages) assert.equal(rec.lineCount(m), 1, `exactly once: ${JSON.stringify(m)}`);
      assert.equal(rec.of('LogLine').length, messages.length);
      assert.ok(proxy.count('FilterLogEvents') >= 2, 'backfilled with FilterLogEvents');
    } finally {
      await observer.stop();
    }
  });
});

test('two identical lines in the same millisecond are both delivered once across live and backfill', async () => {
  await withProxy(async (proxy, logs) => {
    const group = `/aws/lambda/same-ms-${++n}`;
    await createGroup(direct, group, ['s']);
    const observer = new Observer({ logs, logGroups: [group], ...FAST });
    const rec = new Recorder(observer);
    try {
      await observer.start();
      const ts = Date.now();
      await put(direct, group, 's', [
        { timestamp: ts, message: 'twin\n' },
        { timestamp: ts, message: 'twin\n' },
        { timestamp: ts + 1, message: 'end\n' },
      ]);
      await rec.waitFor((e) => e.type === 'LogLine' && e.line.message === 'end\n', 'end');
      proxy.killLive();
      await rec.waitFor(
        (e) => e.type === 'TailState' && e.state.mode === 'live' && rec.of('TailState').some((s) => s.state.mode === 'reconnecting'),
        'live again',
      );
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(rec.lineCount('twin\n'), 2);
      assert.equal(rec.lineCount('end\n'), 1);
    } finally {
      await observer.stop();
    }
  });
});

test('polling backs off exponentially on ThrottlingException, then recovers', async () => {
  await withProxy(async (proxy, logs) => {
    const group = `/aws/lambda/throttle-${++n}`;
    await createGroup(direct, group, ['s']);
    proxy.decide = (op, i) => (op === 'FilterLogEvents' && i < 3 ? awsError('ThrottlingException', 'Rate exceeded') : 'pass');
    const observer = new Observer({ logs, logGroups: [group], mode: 'poll', ...FAST, pollIdleMs: 100 });
    const rec = new Recorder(observer);
    try {
      await observer.start();
      await put(direct, group, 's', [{ timestamp: Date.now(), message: line('after-throttle', 1) }]);
      await rec.waitFor((e) => e.type === 'LogLine' && e.line.message === line('after-throttle', 1), 'a line once throttling stops');
      await rec.waitFor(
        (e) => e.type === 'TailState' && e.state.mode === 'polling' && !e.state.detail && states(rec).some((s) => s.detail),
        'recovered',
      );
      const throttled = states(rec).filter((s) => /throttled/.test(s.detail ?? ''));
      assert.deepEqual(
        throttled.map((s) => s.intervalMs),
        [200, 400, 800],
      );
      assert.equal(states(rec).at(-1)?.detail, undefined, 'back to plain polling');
      assert.equal(states(rec).at(-1)?.intervalMs, 100);
      assert.equal(proxy.count('FilterLogEvents') >= 4, true);
    } finally {
      await observer.stop();
    }
  }, 1);
});

test('a group that never appears keeps waiting without errors (poll mode)', async () => {
  const observer = new Observer({ logs: direct, logGroups: ['/aws/lambda/never'], mode: 'poll', ...FAST });
  const rec = new Recorder(observer);
  try {
    await observer.start();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      states(rec).map((s) => s.mode),
      ['waiting-for-group'],
    );
  } finally {
    await observer.stop();
  }
});

test('several groups: one live, one not created yet; start() resolves for both', async () => {
  const live = `/aws/lambda/multi-live-${++n}`;
  const late = `/aws/lambda/multi-late-${n}`;
  await createGroup(direct, live, ['s']);
  const observer = new Observer({ logs: direct, logGroups: [live, late], ...FAST });
  const rec = new Recorder(observer);
  try {
    await observer.start();
    const modes = new Map(states(rec).map((s) => [s.logGroup, s.mode]));
    assert.equal(modes.get(live), 'live');
    assert.equal(modes.get(late), 'waiting-for-group');
    await createGroup(direct, late, ['s']);
    await put(direct, late, 's', [{ timestamp: Date.now(), message: 'late group line\n' }]);
    await put(direct, live, 's', [{ timestamp: Date.now(), message: 'live group line\n' }]);
    const a = await rec.waitFor<Extract<ObserveEvent, { type: 'LogLine' }>>(
      (e) => e.type === 'LogLine' && e.line.message === 'late group line\n',
      'late line',
    );
    const b = await rec.waitFor<Extract<ObserveEvent, { type: 'LogLine' }>>(
      (e) => e.type === 'LogLine' && e.line.message === 'live group line\n',
      'live line',
    );
    assert.equal(a.line.logGroup, late);
    assert.equal(b.line.logGroup, live);
  } finally {
    await observer.stop();
  }
});
