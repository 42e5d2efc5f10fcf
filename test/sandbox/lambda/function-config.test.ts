import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  lastModified,
  newConfiguration,
  parseFunctionRef,
  settled,
  validateCreate,
  withNewCode,
} from '../../../src/sandbox/lambda/function-config.js';

test('parseFunctionRef accepts names, qualifiers, partial and full ARNs', () => {
  const cases: [string, ReturnType<typeof parseFunctionRef>][] = [
    ['event-handler', { name: 'event-handler', qualifier: undefined, region: undefined, account: undefined }],
    ['fn:$LATEST', { name: 'fn', qualifier: '$LATEST', region: undefined, account: undefined }],
    ['123456789012:function:fn', { name: 'fn', qualifier: undefined, region: undefined, account: '123456789012' }],
    [
      'arn:aws:lambda:eu-west-1:000000000000:function:fn:prod',
      { name: 'fn', qualifier: 'prod', region: 'eu-west-1', account: '000000000000' },
    ],
    ['bad name', undefined],
    ['arn:aws:s3:::bucket', undefined],
    ['x'.repeat(65), undefined],
  ];
  for (const [ref, expected] of cases) assert.deepEqual(parseFunctionRef(ref), expected, ref);
});

test('validateCreate: required members, runtimes, limits, reserved env', () => {
  const ok = {
    FunctionName: 'f',
    Runtime: 'python3.12' as const,
    Handler: 'a.handler',
    Role: 'arn:aws:iam::000000000000:role/r',
    Code: { ZipFile: 'UEs=' },
  };
  assert.equal(validateCreate(ok), undefined);
  const cases: [object, string][] = [
    [{ FunctionName: 'bad name' }, 'ValidationException'],
    [{ Runtime: 'java21' }, 'InvalidParameterValueException'],
    [{ Runtime: undefined }, 'InvalidParameterValueException'],
    [{ Handler: 'nodot' }, 'ValidationException'],
    [{ Role: 'role' }, 'ValidationException'],
    [{ Code: {} }, 'InvalidParameterValueException'],
    [{ Timeout: 0 }, 'InvalidParameterValueException'],
    [{ MemorySize: 64 }, 'InvalidParameterValueException'],
    [{ Environment: { Variables: { AWS_REGION: 'x' } } }, 'InvalidParameterValueException'],
    [{ PackageType: 'Image' }, 'InvalidParameterValueException'],
  ];
  for (const [patch, code] of cases) assert.equal(validateCreate({ ...ok, ...patch } as never)?.code, code, JSON.stringify(patch));
});

test('newConfiguration: the blog shape with defaults; settled() is Active; new code is InProgress', () => {
  const now = new Date(Date.UTC(2025, 10, 7, 9, 36, 30, 640));
  const c = newConfiguration(
    {
      FunctionName: 'event-handler',
      Runtime: 'python3.9',
      Handler: 'event_handler.handler',
      Role: 'arn:aws:iam::000000000000:role/lambda-role',
    },
    { region: 'eu-west-1', accountId: '000000000000', now, revisionId: 'rev' },
    { codeSha256: 'sha', codeSize: 652 },
  );
  assert.deepEqual(
    {
      arn: c.FunctionArn,
      timeout: c.Timeout,
      mem: c.MemorySize,
      last: c.LastModified,
      state: c.State,
      code: c.StateReasonCode,
      size: c.CodeSize,
      group: c.LoggingConfig?.LogGroup,
    },
    {
      arn: 'arn:aws:lambda:eu-west-1:000000000000:function:event-handler',
      timeout: 3,
      mem: 128,
      last: '2025-11-07T09:36:30.640+0000',
      state: 'Pending',
      code: 'Creating',
      size: 652,
      group: '/aws/lambda/event-handler',
    },
  );
  const s = settled(c);
  assert.equal(s.State, 'Active');
  assert.equal(s.LastUpdateStatus, 'Successful');
  assert.equal('StateReason' in s, false);
  const updated = withNewCode(s, { codeSha256: 'sha2', codeSize: 1 }, now, 'rev2');
  assert.deepEqual([updated.LastUpdateStatus, updated.CodeSha256, updated.RevisionId], ['InProgress', 'sha2', 'rev2']);
  assert.equal(lastModified(new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 6))), '2020-01-02T03:04:05.006+0000');
});
