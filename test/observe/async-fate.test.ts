/** Where a failed asynchronous event went, as the engine infers it from the function's settings; and how CI says it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destinationText, failedToText, fateFrom } from '../../src/observe/async-fate.js';
import { lambdaFailedLines } from '../../src/ci/text.js';
import { detailLines } from '../../src/tui/details.js';
import type { Invocation } from '../../src/observe/types.js';

test('fateFrom: Lambda defaults, destinations and the dead-letter target', () => {
  assert.deepEqual(fateFrom(undefined, undefined), { maximumRetryAttempts: 2 });
  assert.deepEqual(
    fateFrom(
      {
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:eu-west-1:000000000000:q-failed' }, OnSuccess: {} },
      },
      'arn:aws:sns:eu-west-1:000000000000:dlq',
    ),
    {
      maximumRetryAttempts: 1,
      onFailure: 'arn:aws:sqs:eu-west-1:000000000000:q-failed',
      deadLetter: 'arn:aws:sns:eu-west-1:000000000000:dlq',
    },
  );
});

test('destinationText and failedToText name the destination in AWS terms', () => {
  const cases: [string, string][] = [
    ['arn:aws:sqs:eu-west-1:000000000000:q-failed', 'queue q-failed'],
    ['arn:aws:sns:eu-west-1:000000000000:alerts', 'topic alerts'],
    ['arn:aws:lambda:eu-west-1:000000000000:function:on-fail', 'function on-fail'],
    ['arn:aws:events:eu-west-1:000000000000:event-bus/default', 'event bus default'],
    ['something-else', 'something-else'],
  ];
  for (const [arn, text] of cases) assert.equal(destinationText(arn), text);
  assert.equal(
    failedToText({ maximumRetryAttempts: 1, onFailure: 'arn:aws:sqs:eu-west-1:000000000000:q-failed' }),
    'retries exhausted → OnFailure queue q-failed',
  );
  assert.equal(
    failedToText({
      maximumRetryAttempts: 2,
      onFailure: 'arn:aws:sqs:eu-west-1:000000000000:q',
      deadLetter: 'arn:aws:sqs:eu-west-1:000000000000:dlq',
    }),
    'retries exhausted → OnFailure queue q, dead-letter queue dlq',
  );
  assert.equal(failedToText({ maximumRetryAttempts: 2 }), 'retries exhausted → discarded (no on-failure destination or dead-letter queue)');
});

const attempt = (startedAt: number) => ({ logStream: 's', startedAt, reportedAt: startedAt + 5, status: 'failed' as const });
const failed = (attempts: number): Invocation => ({
  requestId: 'r-1',
  logGroup: '/aws/lambda/fn',
  logStream: 's',
  status: 'failed',
  lines: [],
  firstSeenAt: 0,
  attempts: Array.from({ length: attempts }, (_, i) => attempt(i * 100)),
});

test('lambdaFailedLines: the attempts, and where the event went once every attempt was seen', () => {
  const fate = { maximumRetryAttempts: 1, onFailure: 'arn:aws:sqs:eu-west-1:000000000000:q-failed' };
  assert.deepEqual(lambdaFailedLines(failed(1)), ['Lambda failed: invocation r-1 in /aws/lambda/fn ended in an error']);
  assert.deepEqual(lambdaFailedLines(failed(1), fate), ['Lambda failed: invocation r-1 in /aws/lambda/fn ended in an error']);
  assert.deepEqual(lambdaFailedLines(failed(2), fate), [
    'Lambda failed: invocation r-1 in /aws/lambda/fn ended in an error',
    '  2 attempts; retries exhausted → OnFailure queue q-failed',
  ]);
  assert.deepEqual(lambdaFailedLines(failed(2)), ['Lambda failed: invocation r-1 in /aws/lambda/fn ended in an error', '  2 attempts']);
});

test('TUI details: the attempts, and where the failed event went', () => {
  const inv = failed(2);
  const fates = { fn: { maximumRetryAttempts: 1, onFailure: 'arn:aws:sqs:eu-west-1:000000000000:q-failed' } };
  const text = detailLines({ kind: 'foreign', requestId: 'r-1', firstSeenAt: 0 }, { 'r-1': inv }, { fates }).map((l) => l.text);
  assert.ok(text.includes('attempts      2'), text.join('\n'));
  assert.ok(text.includes('went to       retries exhausted → OnFailure queue q-failed'), text.join('\n'));
  const once = detailLines({ kind: 'foreign', requestId: 'r-1', firstSeenAt: 0 }, { 'r-1': failed(1) }, { fates }).map((l) => l.text);
  assert.ok(!once.some((l) => l.startsWith('attempts') || l.startsWith('went to')), 'one attempt of two: nothing said yet');
});
