/**
 * What a target receives (EventBridge User Guide, "Transforming target input"): table tests of Input, InputPath and
 * InputTransformer. Expected outputs for templates follow AWS's answers recorded (AWS-validated) in LocalStack's
 * tests/aws/services/events/test_events_inputs.snapshot.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Target } from '@aws-sdk/client-eventbridge';
import {
  type BusEvent,
  fillTemplate,
  jsonPathSteps,
  selectPath,
  targetInputProblem,
  targetPayload,
} from '../../../src/sandbox/events/transform.js';

const event: BusEvent = {
  version: '0',
  id: 'e-1',
  'detail-type': 'core.update-account-command',
  source: 'core.update-account-command',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { command: 'update-account', payload: { acc_id: '0a787ecb-4015', sf_id: 'baz' }, listsingle: ['HIGH'], valid: true },
};
const rule = { name: 'r', arn: 'arn:aws:events:eu-west-1:000000000000:rule/r' };

test('jsonPathSteps / selectPath: the JSONPath subset targets use', () => {
  assert.deepEqual(jsonPathSteps('$'), []);
  assert.deepEqual(jsonPathSteps('$.detail.payload'), ['detail', 'payload']);
  assert.deepEqual(jsonPathSteps('$.detail-type'), ['detail-type']);
  assert.deepEqual(jsonPathSteps("$.detail['acc id'][0]"), ['detail', 'acc id', 0]);
  assert.equal(jsonPathSteps('detail'), undefined);
  assert.equal(jsonPathSteps('$..x'), undefined);
  assert.equal(selectPath(event, '$.detail.payload.sf_id'), 'baz');
  assert.equal(selectPath(event, '$.detail.listsingle[0]'), 'HIGH');
  assert.equal(selectPath(event, '$.detail.missing.x'), undefined);
});

test('targetPayload: the event, Input, InputPath', () => {
  const base = { Id: 't', Arn: 'arn:aws:sqs:eu-west-1:000000000000:q' };
  assert.deepEqual(JSON.parse(targetPayload(base, event, rule)!), event);
  assert.equal(targetPayload({ ...base, Input: '{"a":1}' }, event, rule), '{"a":1}');
  assert.equal(targetPayload({ ...base, InputPath: '$.detail.payload' }, event, rule), '{"acc_id":"0a787ecb-4015","sf_id":"baz"}');
  assert.equal(targetPayload({ ...base, InputPath: '$.detail.payload.sf_id' }, event, rule), '"baz"');
  assert.equal(targetPayload({ ...base, InputPath: '$.detail.nothing' }, event, rule), undefined);
});

test('fillTemplate: values inside strings as text, elsewhere as JSON; predefined variables', () => {
  const paths = {
    'detail-type': '$.detail-type',
    command: '$.detail.command',
    payload: '$.detail.payload',
    userId: '$.detail.payload.acc_id',
    listsingle: '$.detail.listsingle',
    valid: '$.detail.valid',
    missing: '$.detail.missing',
  };
  const cases: [string, string][] = [
    ['"Event of <detail-type> type, info <command>"', '"Event of core.update-account-command type, info update-account"'],
    [
      '{"method": "PUT", "path": "users-service/users/<userId>", "bod": <payload>}',
      '{"method": "PUT", "path": "users-service/users/0a787ecb-4015", "bod": {"acc_id":"0a787ecb-4015","sf_id":"baz"}}',
    ],
    ['"Payload of <payload> with <userId>"', '"Payload of {acc_id:0a787ecb-4015,sf_id:baz} with 0a787ecb-4015"'],
    ['"<listsingle> single list item"', '"[HIGH] single list item"'],
    ['{"singlelistitem": <listsingle>}', '{"singlelistitem": ["HIGH"]}'],
    ['{"multi": "users/<userId>/second/<userId>"}', '{"multi": "users/0a787ecb-4015/second/0a787ecb-4015"}'],
    ['"Command is <valid>!"', '"Command is true!"'],
    ['{"id": "<missing>", "raw": <missing>}', '{"id": "", "raw": null}'],
    ['"rule <aws.events.rule-name> at <aws.events.event.ingestion-time>"', '"rule r at 2026-01-01T00:00:00Z"'],
    ['"keep <b>bold</b>"', '"keep <b>bold</b>"'],
  ];
  for (const [template, expected] of cases) {
    assert.equal(fillTemplate({ InputPathsMap: paths, InputTemplate: template }, event, rule), expected, template);
  }
  const whole = JSON.parse(fillTemplate({ InputTemplate: '{"e": <aws.events.event>, "j": <aws.events.event.json>}' }, event, rule));
  const { detail: _detail, 'detail-type': detailType, ...envelope } = event;
  assert.deepEqual(whole.e, { ...envelope, detailType });
  assert.deepEqual(whole.j, event);
});

test('targetInputProblem: what PutTargets refuses', () => {
  const base: Target = { Id: 't', Arn: 'arn:aws:sqs:eu-west-1:000000000000:q' };
  const cases: [Target, string | undefined][] = [
    [base, undefined],
    [{ ...base, Input: '{"a":1}' }, undefined],
    [{ ...base, Input: '{bad' }, 'Parameter Input is not valid JSON for target t.'],
    [{ ...base, Input: '{}', InputPath: '$' }, 'Only one of Input, InputPath, or InputTransformer must be provided for target t.'],
    [{ ...base, InputPath: 'detail' }, 'Parameter InputPath is not a valid JsonPath for target t.'],
    [{ ...base, InputTransformer: { InputPathsMap: { a: '$.a' }, InputTemplate: '"<a>"' } }, undefined],
    [{ ...base, InputTransformer: { InputTemplate: '"<aws.events.rule-arn>"' } }, undefined],
    [{ ...base, InputTransformer: { InputTemplate: '"<nope>"' } }, 'InputTemplate for target t contains invalid placeholder nope.'],
  ];
  for (const [target, expected] of cases) assert.equal(targetInputProblem(target), expected, JSON.stringify(target));
});
