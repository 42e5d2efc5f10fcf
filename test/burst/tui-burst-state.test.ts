import { test } from 'node:test';
import assert from 'node:assert/strict';
import { burstLines, burstPlanFromForm, burstQuestion, reduceBurstView, sparkline } from '../../src/tui/state/burst.js';
import { handleKey, makeKey } from '../../src/tui/state/input.js';
import { KEYMAP } from '../../src/tui/keymap.js';
import { baseState, reduce } from '../tui/helpers.js';
import type { BurstProgress } from '../../src/burst/engine.js';
import type { BurstPlan } from '../../src/burst/plan.js';

const values = (count: string, parallel = '16', op = 'put', sameKey = 'n') => ({ count, parallel, op, sameKey });

test('burst form -> plan, or what to fix in the form’s words', () => {
  const ok = burstPlanFromForm(values('20', '4', 'COPY', 'y'));
  assert.ok('plan' in ok);
  assert.deepEqual([ok.plan.count, ok.plan.parallel, ok.plan.kind, ok.plan.sameKey], [20, 4, 'copy', true]);
  const cases: [Record<string, string>, RegExp][] = [
    [values(''), /Operations \(N\) '' is not a whole number/],
    [values('lots'), /Operations \(N\) 'lots' is not a whole number/],
    [values('5', '0'), /--parallel '0' must be at least 1/],
    [values('5', '4', 'rename'), /--op 'rename' is not an operation/],
    [values('5', '4', 'put', 'maybe'), /Same key: answer y or n/],
  ];
  for (const [v, want] of cases) {
    const r = burstPlanFromForm(v);
    assert.ok('error' in r, JSON.stringify(v));
    assert.match(r.error, want);
  }
});

test('burstQuestion: asked on AWS above 100 operations, unless --yes', () => {
  const plan = (count: number): BurstPlan => {
    const r = burstPlanFromForm(values(String(count)));
    assert.ok('plan' in r);
    return r.plan;
  };
  assert.equal(burstQuestion(plan(101), false, false), undefined);
  assert.equal(burstQuestion(plan(100), true, false), undefined);
  assert.equal(burstQuestion(plan(101), true, true), undefined);
  assert.match(burstQuestion(plan(101), true, false)!, /^Fire 101 PUT operations on AWS/);
});

test('B is a free global key; it opens the burst form with a bucket, and the submitted form fires a burst effect', () => {
  const globals = KEYMAP.filter((b) => b.scope === 'global').flatMap((b) => b.keys.map((k) => `${k.ctrl ? 'C-' : ''}${k.key}`));
  assert.equal(globals.filter((k) => k === 'B').length, 1, 'B is bound once');
  const noBucket = handleKey(baseState({ bucket: undefined }), 'B', makeKey({ shift: true }), { latestSeq: 0, maxBack: 0, pageSize: 10 });
  assert.deepEqual(noBucket.actions, [{ type: 'notice', message: 'choose a bucket first (b)' }]);
  const opened = handleKey(baseState(), 'B', makeKey({ shift: true }), { latestSeq: 0, maxBack: 0, pageSize: 10 });
  assert.deepEqual(opened.actions, [{ type: 'openBurstForm' }]);
  const form = reduce(baseState(), ...opened.actions);
  assert.equal(form.overlay.kind, 'form');
  const submitted = handleKey(form, '\r', makeKey({ return: true }), { latestSeq: 0, maxBack: 0, pageSize: 10 });
  assert.deepEqual(submitted.actions, [{ type: 'closeOverlay' }]);
  assert.equal(submitted.effects.length, 1);
  const effect = submitted.effects[0]!;
  assert.ok(effect.type === 'burst');
  assert.equal(effect.plan.count, 100);
  assert.equal(effect.bucket, 'test-bucket');
  const big = reduce(
    form,
    { type: 'formFocus', delta: 1 },
    { type: 'formFocus', delta: -1 },
    { type: 'formEdit', edit: { kind: 'append', text: '1' } },
  );
  const onAws = handleKey({ ...big, isRealAws: true, yes: false }, '\r', makeKey({ return: true }), {
    latestSeq: 0,
    maxBack: 0,
    pageSize: 10,
  });
  assert.equal(onAws.effects.length, 0, 'above 100 on AWS nothing fires unasked');
  const confirm = onAws.actions.find((a) => a.type === 'openConfirm');
  assert.ok(confirm && confirm.type === 'openConfirm');
  assert.match(confirm.message, /^Fire 1001 PUT operations on AWS/);
  assert.equal(confirm.onYes[0]?.type, 'burst');
  const running = reduce(baseState(), { type: 'burst', event: { kind: 'start', plan: effect.plan } });
  const again = handleKey(running, 'B', makeKey({ shift: true }), { latestSeq: 0, maxBack: 0, pageSize: 10 });
  assert.match((again.actions[0] as { message: string }).message, /a burst is running/);
});

const progress = (over: Partial<BurstProgress> = {}): BurstProgress => ({
  phase: 'firing',
  total: 10,
  setupDone: 0,
  setupTotal: 0,
  fired: 4,
  acked: 3,
  failed: 0,
  settled: 2,
  matched: 2,
  triggerMs: [10, 30],
  ...over,
});

test('burst view: progress, then done; x clears a finished one only', () => {
  const parsed = burstPlanFromForm(values('10'));
  assert.ok('plan' in parsed);
  const { plan } = parsed;
  let view = reduceBurstView(undefined, { kind: 'start', plan })!;
  view = reduceBurstView(view, { kind: 'progress', progress: progress() })!;
  const live = burstLines(view, 100, 9);
  assert.match(live[0]!, /^BURST 10 × PUT · 10 in flight · fired 4 · acked 3 · matched 2 · settled 2$/);
  assert.match(live[1]!, /^trigger p50 10 ms · p90 30 ms · p99 30 ms · max 30 ms \(n=2\)$/);
  assert.match(live[2]!, /^trigger │.+│$/);
  assert.ok(live.length <= 9);
  const running = reduce(baseState(), { type: 'burst', event: { kind: 'start', plan } }, { type: 'clearFinished' });
  assert.ok(running.burst, 'a running burst stays');
  const failed = reduce(running, { type: 'burst', event: { kind: 'failed', message: 'boom' } });
  assert.match(burstLines(failed.burst!, 100, 9)[0]!, /failed: boom/);
  assert.equal(reduce(failed, { type: 'clearFinished' }).burst, undefined);
});

test('sparkline: one cell per bucket from 0 to the max, the fullest bucket drawn highest', () => {
  const { line, bucketMs } = sparkline([0, 0, 0, 0, 9], 10);
  assert.equal(bucketMs, 1);
  assert.equal(line.length, 10);
  assert.equal(line[0], '█');
  assert.ok(line[9] !== ' ' && '▁▂▃▄▅▆▇█'.indexOf(line[9]!) < '▁▂▃▄▅▆▇█'.indexOf(line[0]!));
  assert.equal(line.slice(1, 9).trim(), '');
});
