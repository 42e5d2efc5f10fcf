/** @jsxRuntime automatic */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { BucketPicker } from '../../../src/tui/components/BucketPicker.js';
import { EventsTable } from '../../../src/tui/components/EventsTable.js';
import { Footer } from '../../../src/tui/components/Footer.js';
import { Header, tailSummary } from '../../../src/tui/components/Header.js';
import { HelpOverlay } from '../../../src/tui/components/HelpOverlay.js';
import { LogPane } from '../../../src/tui/components/LogPane.js';
import { TooSmall } from '../../../src/tui/components/TooSmall.js';
import { KEYMAP, formatKeys } from '../../../src/tui/keymap.js';
import { LogStore } from '../../../src/tui/state/log-store.js';
import type { ChildRow, OpRow, Row } from '../../../src/tui/state/types.js';
import { noColorRequested } from '../../../src/tui/terminal.js';
import { makeTheme } from '../../../src/tui/theme.js';
import { logLine } from '../fake-session.js';
import { TARGET } from '../helpers.js';

const op = (opId: number, over: Partial<OpRow>): OpRow => ({
  kind: 'op',
  opId,
  input: { kind: 'put', bucket: 'b', file: '/f/test.txt', key: `key-${opId}` },
  startedAt: 1,
  status: 'sending',
  warnings: [],
  ...over,
});

test('events table: one row per op with its status, foreign rows too', () => {
  const rows: Row[] = [
    op(1, {}),
    op(2, { status: 'progress', progress: { loaded: 1, total: 4 }, input: { kind: 'multipart', bucket: 'b', key: 'big', sizeMB: 6 } }),
    op(3, { status: 'acked' }),
    op(4, { status: 'matched', confidence: 'key', latency: { coldStart: true, triggerMs: 15, durationMs: 2.5 } }),
    op(5, {
      status: 'failed',
      result: { opId: 5, op: 'put', bucket: 'b', key: 'k', startedAt: 1, error: { code: 'NoSuchBucket', message: 'x' } },
    }),
    op(6, { status: 'no-match' }),
    { kind: 'foreign', requestId: 'feed-beef', firstSeenAt: 1 },
  ];
  const { lastFrame, unmount } = render(
    <EventsTable rows={rows} invocations={{}} selected={0} offset={0} height={10} width={100} focused />,
  );
  const lines = lastFrame()!.split('\n');
  const rowOf = (needle: string) => lines.find((l) => l.includes(needle)) ?? '';
  assert.match(rowOf('key-1'), /PUT .*sending…/);
  assert.match(rowOf('big'), /MULTIPART .*██░░░░░\s+25%/);
  assert.match(rowOf('key-3'), /acked/);
  assert.match(rowOf('key-4'), /matched\s+15ms\s+2\.5ms cold key/);
  assert.match(rowOf('key-5'), /✗ NoSuchBucket/);
  assert.match(rowOf('key-6'), /no match yet/);
  assert.match(rowOf('feed-beef'), /foreign/);
  assert.match(lines[0]!, /Events\s+7/);
  unmount();
});

test('events table windows long lists', () => {
  const rows = Array.from({ length: 30 }, (_, i) => op(i + 1, {}));
  const { lastFrame, unmount } = render(
    <EventsTable rows={rows} invocations={{}} selected={25} offset={20} height={6} width={100} focused />,
  );
  const frame = lastFrame()!;
  assert.equal(frame.split('\n').length, 8);
  assert.ok(frame.includes('21-26 of 30'));
  assert.ok(frame.includes('key-21') && frame.includes('key-26') && !frame.includes('key-27') && !frame.includes('key-20 '));
  unmount();
});

test('log pane: the selected invocation’s lines are marked, dropped count shown, height fixed', async () => {
  const store = new LogStore({ capacity: 6, flushMs: 1000 });
  store.push(logLine('old line', 'app'));
  store.push(logLine('START RequestId: r1 Version: $LATEST', 'start', { requestId: 'r1' }));
  store.push(logLine('S3 Event Detected', 'app', { requestId: 'r1' }));
  store.push(logLine('START RequestId: r2 Version: $LATEST', 'start', { requestId: 'r2' }));
  store.push(logLine('other invocation', 'app', { requestId: 'r2' }));
  store.push(logLine('[ERROR] boom', 'error', { requestId: 'r2' }));
  store.push(logLine('REPORT RequestId: r1 Duration: 1 ms', 'report'));
  store.flush();
  const view = { follow: true, filter: '', back: 0 };
  const { lastFrame, unmount } = render(
    <LogPane store={store} view={view} height={8} focused={false} highlightRequestId="r1" emptyText="waiting" />,
  );
  const lines = lastFrame()!.split('\n');
  assert.equal(lines.length, 9);
  assert.match(lines[0]!, /Log\s+following · 6 lines · 1 dropped/);
  const marked = lines.filter((l) => l.startsWith('▌')).map((l) => l.slice(14));
  assert.deepEqual(marked, ['START RequestId: r1 Version: $LATEST', 'S3 Event Detected', 'REPORT RequestId: r1 Duration: 1 ms']);
  assert.ok(!lastFrame()!.includes('old line'));
  unmount();
  store.dispose();
});

test('log pane shows why it is empty and when a filter hides everything', () => {
  const store = new LogStore({ flushMs: 1000 });
  const empty = render(
    <LogPane store={store} view={{ follow: true, filter: '', back: 0 }} height={3} focused emptyText="waiting for first invocation" />,
  );
  assert.ok(empty.lastFrame()!.includes('waiting for first invocation'));
  empty.unmount();
  store.push(logLine('hello', 'app'));
  store.flush();
  const filtered = render(<LogPane store={store} view={{ follow: true, filter: 'zzz', back: 0 }} height={3} focused emptyText="x" />);
  assert.ok(filtered.lastFrame()!.includes('no line matches "zzz"'));
  assert.ok(filtered.lastFrame()!.includes('filter "zzz"'));
  filtered.unmount();
  store.dispose();
});

test('help overlay lists every keymap entry', () => {
  const { lastFrame, unmount } = render(<HelpOverlay height={200} scroll={0} />);
  const frame = lastFrame()!;
  for (const binding of KEYMAP) {
    const line = frame.split('\n').find((l) => l.trim() === `${formatKeys(binding).padEnd(16)} ${binding.description}`);
    assert.ok(line, `missing ${binding.command}`);
  }
  unmount();
});

test('bucket picker filters and marks the selection', () => {
  const picker = { kind: 'picker' as const, buckets: ['alpha', 'beta', 'alphabet'], filter: 'alp', selected: 1 };
  const { lastFrame, unmount } = render(<BucketPicker picker={picker} height={10} />);
  const frame = lastFrame()!;
  assert.ok(frame.includes('alpha') && frame.includes('alphabet') && !frame.includes('beta\n') && !/\s{2}beta/.test(frame));
  assert.ok(frame.includes('2 of 3 buckets'));
  assert.ok(frame.includes('filter: alp'));
  unmount();
  const naming = render(
    <BucketPicker
      picker={{ ...picker, naming: { draft: 'Bad', error: 'only lowercase letters, digits, dots and hyphens' } }}
      height={10}
    />,
  );
  assert.ok(naming.lastFrame()!.includes('new bucket name: Bad'));
  assert.ok(naming.lastFrame()!.includes('only lowercase'));
  naming.unmount();
});

test('header: target, bucket, tail mode, warnings', () => {
  const discovery = {
    bucket: 'b',
    functions: ['fn'],
    logGroups: ['/aws/lambda/fn'],
    destinations: [],
    warnings: ['no notification configuration on this bucket'],
  };
  const { lastFrame, unmount } = render(
    <Header
      target={TARGET}
      bucket="b"
      discovery={discovery}
      tails={[{ logGroup: '/aws/lambda/fn', mode: 'polling', intervalMs: 1000 }]}
      warnings={[]}
    />,
  );
  const frame = lastFrame()!;
  assert.ok(frame.includes('local sandbox http://127.0.0.1:4566'));
  assert.ok(frame.includes('bucket: b'));
  assert.ok(frame.includes('/aws/lambda/fn (polling every 1000 ms)'));
  assert.ok(frame.includes('no notification configuration on this bucket'));
  unmount();
  const cases = [
    { mode: 'waiting-for-group' as const, text: 'waiting for first invocation' },
    { mode: 'reconnecting' as const, text: 'reconnecting' },
    { mode: 'live' as const, text: '(live)' },
  ];
  for (const c of cases) assert.ok(tailSummary(discovery, [{ logGroup: '/aws/lambda/fn', mode: c.mode }]).includes(c.text), c.mode);
  assert.ok(tailSummary(undefined, []).startsWith('discovering'));
  const nothingReached = { bucket: 'b', functions: [], logGroups: [], destinations: [], warnings: [] };
  const chain = { routes: [], unfollowed: [], summary: 'b → (no function reached)' };
  assert.equal(tailSummary({ ...nothingReached, chain }, []), 'no Lambda function in the notification configuration');
  const viaSns = {
    bucket: 'b',
    functions: ['fn'],
    logGroups: [],
    destinations: ['events go to SNS topic arn:aws:sns:eu-west-1:000000000000:t'],
    warnings: [],
    chain: {
      routes: [{ hops: [{ kind: 'sns' as const, arn: 'arn:aws:sns:eu-west-1:000000000000:t', name: 't' }], function: 'fn' }],
      unfollowed: [],
      summary: 'b → SNS t → fn',
    },
  };
  assert.equal(tailSummary(viaSns, []), 'b → SNS t → fn', 'the chain names the topic: no second mention');
});

test('footer hints come from the keymap', () => {
  const { lastFrame, unmount } = render(<Footer scope="log" width={200} />);
  assert.match(lastFrame()!, /↑\/k up\s+↓\/j down\s+End\/G end\+follow\s+p put/);
  unmount();
});

test('too-small notice', () => {
  const { lastFrame, unmount } = render(<TooSmall columns={60} rows={20} />);
  assert.equal(lastFrame(), 'terminal too small (60x20): s3trigger needs 80x24 (q quits)');
  unmount();
});

test('NO_COLOR drops every colour', () => {
  const theme = makeTheme(true);
  assert.deepEqual(
    Object.values(theme).filter((v) => typeof v === 'string'),
    [],
  );
  assert.equal(noColorRequested({ NO_COLOR: '1' }), true);
  assert.equal(noColorRequested({ NO_COLOR: '' }), false);
  assert.equal(noColorRequested({}), false);
});

test('events table: a fan-out’s functions as indented child rows with their own figures', () => {
  const child = (fn: string, over: Partial<ChildRow>): ChildRow => ({
    kind: 'child',
    opId: 1,
    function: fn,
    nth: 0,
    last: false,
    status: 'waiting',
    routes: [],
    ...over,
  });
  const rows: Row[] = [
    op(1, { status: 'acked', fanout: { matched: 1, expected: 3 }, latency: { coldStart: true, triggerMs: 99 } }),
    child('fn-resize', { status: 'matched', confidence: 'key', latency: { coldStart: true, triggerMs: 15, durationMs: 2.5 } }),
    child('fn-index', { status: 'waiting' }),
    child('fn-thumbs', { status: 'did-not-run', last: true }),
    op(2, { status: 'matched', confidence: 'key', latency: { coldStart: false, triggerMs: 7, durationMs: 1 } }),
  ];
  const { lastFrame, unmount } = render(
    <EventsTable rows={rows} invocations={{}} selected={2} offset={0} height={10} width={100} focused />,
  );
  const lines = lastFrame()!.split('\n');
  const rowOf = (needle: string) => lines.find((l) => l.includes(needle)) ?? '';
  assert.match(rowOf('key-1'), /^\s+1 PUT\s+key-1\s+acked 1\/3\s*$/, 'the parent’s figures are its functions’');
  assert.match(rowOf('fn-resize'), /^\s+├─ λ\s+fn-resize\s+matched\s+15ms\s+2\.5ms cold key/);
  assert.match(rowOf('fn-index'), /^\s+├─ λ\s+fn-index\s+waiting…\s*$/);
  assert.match(rowOf('fn-thumbs'), /^\s+└─ λ\s+fn-thumbs\s+did not run/);
  assert.match(rowOf('key-2'), /2 PUT\s+key-2\s+matched\s+7ms\s+1ms\s+key/);
  unmount();
});

test('header: the chain discovery followed, unfollowed links as warnings, cut to the width', () => {
  const discovery = {
    bucket: 'test-bucket',
    functions: ['fn-resize', 'fn-index'],
    logGroups: ['/aws/lambda/fn-resize', '/aws/lambda/fn-index'],
    destinations: [],
    warnings: [],
    chain: {
      routes: [],
      unfollowed: ['SQS queue jobs: no event source mapping reads it'],
      summary: 'test-bucket → SNS uploads → fn-resize, fn-index',
    },
  };
  const live = [
    { logGroup: '/aws/lambda/fn-resize', mode: 'live' as const },
    { logGroup: '/aws/lambda/fn-index', mode: 'live' as const },
  ];
  const { lastFrame, unmount } = render(<Header target={TARGET} bucket="test-bucket" discovery={discovery} tails={live} warnings={[]} />);
  const lines = lastFrame()!.split('\n');
  assert.equal(lines[1], 'test-bucket → SNS uploads → fn-resize, fn-index · tailing 2 log groups (live)');
  assert.equal(lines[2], '⚠ SQS queue jobs: no event source mapping reads it');
  unmount();
  assert.ok(tailSummary(discovery, [live[0]!]).endsWith('tailing 2 log groups (1 live, 1 connecting…)'));
  const long = { ...discovery, chain: { ...discovery.chain, summary: `test-bucket → SNS uploads → ${'fn-'.repeat(40)}` } };
  const narrow = render(
    <Box width={80}>
      <Header target={TARGET} bucket="test-bucket" discovery={long} tails={live} warnings={[]} />
    </Box>,
  );
  const second = narrow.lastFrame()!.split('\n')[1]!;
  assert.ok(second.startsWith('test-bucket → SNS uploads → fn-fn-') && second.endsWith('…'), second);
  assert.ok(second.length <= 80);
  narrow.unmount();
});
