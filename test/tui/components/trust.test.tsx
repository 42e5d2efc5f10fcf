/** @jsxRuntime automatic */
/** What is drawn for a failed Lambda, \r-joined log lines, a queued key, a stopped tail and a long bucket at 80 columns. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { ConfirmPrompt } from '../../../src/tui/components/ConfirmPrompt.js';
import { EventsTable, toneColor } from '../../../src/tui/components/EventsTable.js';
import { Header, tailSummary } from '../../../src/tui/components/Header.js';
import { LogPane } from '../../../src/tui/components/LogPane.js';
import { LogStore } from '../../../src/tui/state/log-store.js';
import type { OpRow } from '../../../src/tui/state/types.js';
import { ThemeContext, makeTheme } from '../../../src/tui/theme.js';
import { logLine } from '../fake-session.js';
import { tick } from '../ink-helpers.js';

const row = (over: Partial<OpRow>): OpRow => ({
  kind: 'op',
  opId: 1,
  input: { kind: 'put', bucket: 'b', file: '/f/test.txt', key: 'test.txt' },
  startedAt: 1,
  status: 'matched',
  warnings: [],
  ...over,
});

test('events table: a failed Lambda reads "lambda error", not "matched", even without colour', () => {
  const rows = [
    row({ status: 'lambda-failed', lambdaError: 'failed', confidence: 'key' }),
    row({ opId: 2, status: 'lambda-failed', lambdaError: 'timed-out' }),
  ];
  const { lastFrame, unmount } = render(
    <ThemeContext.Provider value={makeTheme(true)}>
      <EventsTable rows={rows} invocations={{}} selected={0} offset={0} height={5} width={100} focused={false} />
    </ThemeContext.Provider>,
  );
  const frame = lastFrame()!;
  assert.match(frame, /1 PUT\s+test\.txt\s+lambda error/);
  assert.match(frame, /2 PUT\s+test\.txt\s+lambda timeout/);
  assert.doesNotMatch(frame, /matched/);
  unmount();
});

test('events table: the failed-Lambda row has a failure colour, not the matched green', () => {
  const theme = makeTheme(false);
  assert.equal(toneColor(theme, 'lambda-failed'), theme.error);
  assert.notEqual(toneColor(theme, 'lambda-failed'), toneColor(theme, 'matched'));
  assert.equal(toneColor(makeTheme(true), 'lambda-failed'), undefined);
});

test('log pane: each \\r-joined part of a message is its own line', async () => {
  const store = new LogStore({ flushMs: 1 });
  store.push(logLine('line one\rline two', 'app'));
  store.flush();
  const { lastFrame, unmount } = render(
    <LogPane store={store} view={{ follow: true, filter: '', back: 0 }} height={5} focused={false} emptyText="" />,
  );
  await tick();
  const frame = lastFrame()!;
  assert.match(frame, /line one\s*\n.*line two/);
  assert.doesNotMatch(frame, /line oneline two/);
  unmount();
  store.dispose();
});

test('header at 80 columns keeps the bucket name whole, whatever the target label', () => {
  const target = {
    kind: 'endpoint' as const,
    region: 'eu-west-1',
    label: 'endpoint http://localstack.internal.example:4566 (logs on AWS) profile prod-admin',
  };
  const { lastFrame, unmount } = render(
    <Box width={80}>
      <Header target={target} bucket="my-company-uploads-eu-west-1-staging" tails={[]} warnings={[]} />
    </Box>,
  );
  assert.ok(lastFrame()!.split('\n')[0]!.includes('bucket: my-company-uploads-eu-west-1-staging'), lastFrame());
  unmount();
});

test('header says how many keys wait for the tail', () => {
  const { lastFrame, unmount } = render(
    <Header
      target={{ kind: 'sandbox', region: 'us-east-1', label: 'sandbox' }}
      bucket="b"
      tails={[]}
      warnings={[]}
      queued="1 queued until the tail is ready"
    />,
  );
  assert.match(lastFrame()!, /1 queued until the tail is ready · discovering/);
  unmount();
});

test('a stopped tail says why, on one line and scrubbed', () => {
  const discovery = { bucket: 'b', functions: ['fn'], logGroups: ['/aws/lambda/fn'], destinations: [], warnings: [] };
  const detail = 'live tail refused (AccessDeniedException: User is not authorized\n<Error>\r\n Signature=abcdef123456 </Error>)';
  const text = tailSummary(discovery, [{ logGroup: '/aws/lambda/fn', mode: 'stopped', detail }]);
  assert.match(text, /\(stopped: live tail refused \(AccessDeniedException: User is not authorized/);
  assert.ok(!/[\r\n]/.test(text), JSON.stringify(text));
  assert.doesNotMatch(text, /abcdef123456/);
});

test('a long confirmation wraps, so its question stays on screen; a multi-line warning stays on one header line', () => {
  const message = `${'no notification of a-very-long-bucket-name covers s3:ObjectCreated:Put on uploads/2026/11/30/a-long-key.csv '.repeat(2)}· fire anyway?`;
  const confirm = render(
    <Box width={80}>
      <ConfirmPrompt message={message} />
    </Box>,
  );
  assert.match(confirm.lastFrame()!.replace(/\s+/g, ' '), /fire anyway\?/);
  confirm.unmount();
  const header = render(
    <Header target={{ kind: 'sandbox', region: 'us-east-1', label: 'sandbox' }} bucket="b" tails={[]} warnings={['first\nsecond']} />,
  );
  assert.equal(header.lastFrame()!.split('\n').length, 3);
  assert.match(header.lastFrame()!, /first second/);
  header.unmount();
});
