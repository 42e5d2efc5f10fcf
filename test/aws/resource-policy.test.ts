import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourcePolicyAllows, wildcardMatches } from '../../src/aws/resource-policy.js';

const bucketArn = 'arn:aws:s3:::test-bucket';
const allowS3 = (extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 's3', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage', ...extra }],
});
const request = { principal: 's3.amazonaws.com', action: 'sqs:SendMessage', sourceArn: bucketArn, sourceAccount: '000000000000' };

test('resourcePolicyAllows: principal, action and conditions as IAM evaluates them', () => {
  const cases: [string, Parameters<typeof resourcePolicyAllows>[0], boolean][] = [
    ['no policy', undefined, false],
    ['not JSON', '{', false],
    ['empty statement list', { Statement: [] }, false],
    ['service principal and action', allowS3(), true],
    ['as a JSON string', JSON.stringify(allowS3()), true],
    ['principal *', { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:*' }] }, true],
    ['other service', { Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage' }] }, false],
    ['action list with wildcard, any case', allowS3({ Action: ['SQS:Send*'] }), true],
    ['other action', allowS3({ Action: 'sqs:ReceiveMessage' }), false],
    ['ArnLike source matches', allowS3({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::test-*' } } }), true],
    ['ArnEquals, key case-insensitive', allowS3({ Condition: { ArnEquals: { 'AWS:SourceArn': bucketArn } } }), true],
    ['source of another bucket', allowS3({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::other' } } }), false],
    ['source account', allowS3({ Condition: { StringEquals: { 'aws:SourceAccount': '000000000000' } } }), true],
    ['unknown operator fails closed', allowS3({ Condition: { IpAddress: { 'aws:SourceIp': '1.2.3.4' } } }), false],
    ['explicit deny wins', { Statement: [allowS3().Statement[0]!, { Effect: 'Deny', Principal: '*', Action: '*' }] }, false],
  ];
  for (const [name, policy, expected] of cases) assert.equal(resourcePolicyAllows(policy, request), expected, name);
});

test('wildcardMatches: * and ? only, everything else literal', () => {
  assert.equal(wildcardMatches('arn:aws:s3:::a.b', 'arn:aws:s3:::aXb'), false);
  assert.equal(wildcardMatches('arn:aws:s3:::a?b', 'arn:aws:s3:::aXb'), true);
  assert.equal(wildcardMatches('lambda:Invoke*', 'LAMBDA:invokefunction', true), true);
  assert.equal(wildcardMatches('lambda:Invoke*', 'LAMBDA:invokefunction'), false);
});
