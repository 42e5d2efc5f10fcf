/**
 * Cases from AWS's documentation: EventBridge User Guide, "Comparison operators for use in event patterns"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html), "Arrays in event patterns"
 * (eb-event-patterns-arrays.html), "Matching null values and empty strings" (eb-event-patterns-null-values.html), and the
 * examples of AWS's Event Ruler README (github.com/aws/event-ruler), the matcher EventBridge runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesEventPattern, validateEventPattern } from '../../src/aws/event-pattern.js';

// The Event Ruler README's example event (an EC2 state-change event as the default bus delivers it).
const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail: { ...ec2Event.detail, ...detail } });

type Case = [name: string, pattern: unknown, event: unknown, matches: boolean];

test('matchesEventPattern: the documented examples against the Event Ruler README event', () => {
  const cases: Case[] = [
    [
      'simple matching (README)',
      {
        'detail-type': ['EC2 Instance State-change Notification'],
        resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
        detail: { state: ['initializing', 'running'] },
      },
      ec2Event,
      true,
    ],
    ['exact value, another value', { detail: { state: ['stopped'] } }, ec2Event, false],
    ['exact match is case-sensitive', { source: ['AWS.EC2'] }, ec2Event, false],
    ['a field the event lacks', { detail: { missing: ['x'] } }, ec2Event, false],
    ['numbers match numbers', { detail: { 'c-count': [5] } }, ec2Event, true],
    ['a number never matches its string', { detail: { 'c-count': ['5'] } }, ec2Event, false],
    ['prefix (time starts with 2017-10-02)', { time: [{ prefix: '2017-10-02' }] }, ec2Event, true],
    ['prefix, other day', { time: [{ prefix: '2017-10-03' }] }, ec2Event, false],
    ['prefix only on strings', { detail: { 'c-count': [{ prefix: '5' }] } }, ec2Event, false],
    [
      'prefix equals-ignore-case ("eventb")',
      { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] },
      { service: 'EventBridge' },
      true,
    ],
    ['suffix', { source: [{ suffix: 'ec2' }] }, ec2Event, true],
    ['suffix .png', { FileName: [{ suffix: '.png' }] }, { FileName: 'cat.PNG' }, false],
    [
      'suffix equals-ignore-case ("tbridge")',
      { service: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] },
      { service: 'EVENTBRIDGE' },
      true,
    ],
    ['equals-ignore-case', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'ALICE' }, true],
    ['equals-ignore-case, another name', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alicia' }, false],
    ['wildcard (README: Simple*Service)', { source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueueService' }, true],
    ['wildcard, no match', { source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueue' }, false],
    [
      'wildcard over an ARN (docs: EventBusArn)',
      { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' },
      true,
    ],
    ['escaped star is literal', { k: [{ wildcard: 'a\\*b' }] }, { k: 'a*b' }, true],
    ['escaped star is not a wildcard', { k: [{ wildcard: 'a\\*b' }] }, { k: 'aXb' }, false],
    ['anything-but string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event, true],
    ['anything-but the value itself', { detail: { state: [{ 'anything-but': 'running' }] } }, ec2Event, false],
    ['anything-but number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ec2Event, true],
    ['anything-but string list', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, ec2Event, true],
    ['anything-but list naming it', { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, ec2Event, false],
    ['anything-but number list', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, ec2Event, true],
    ['anything-but number list naming it', { detail: { 'c-count': [{ 'anything-but': [4, 5] }] } }, ec2Event, false],
    ['anything-but prefix "init"', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ec2Event, true],
    ['anything-but prefix "run"', { detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, ec2Event, false],
    ['anything-but prefix "us-" (docs: Region)', { Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'eu-west-1' }, true],
    ['anything-but suffix .png', { FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.png' }, false],
    ['anything-but suffix .png, a jpg', { FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.jpg' }, true],
    [
      'anything-but equals-ignore-case',
      { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      { state: 'INITIALIZING' },
      false,
    ],
    [
      'anything-but equals-ignore-case list',
      { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
      { state: 'Running' },
      true,
    ],
    [
      'anything-but wildcard (docs: */lib/*)',
      { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      { FilePath: '/usr/lib/x' },
      false,
    ],
    ['anything-but wildcard, elsewhere', { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/bin/x' }, true],
    ['anything-but needs the field', { detail: { missing: [{ 'anything-but': 'x' }] } }, ec2Event, false],
    [
      'numeric: all three fields (README complex example)',
      {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      ec2Event,
      true,
    ],
    ['numeric upper bound is inclusive with <=', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, ec2Event, true],
    ['numeric < excludes the bound', { detail: { 'c-count': [{ numeric: ['>=', 0, '<', 5] }] } }, ec2Event, false],
    ['numeric > excludes the bound', { detail: { 'c-count': [{ numeric: ['>', 5] }] } }, ec2Event, false],
    ['numeric = ', { detail: { 'd-count': [{ numeric: ['=', 3] }] } }, ec2Event, true],
    ['numeric only on JSON numbers', { n: [{ numeric: ['>', 0] }] }, { n: '5' }, false],
    ['cidr 10.0.0.0/24 (docs: source-ip)', { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, ec2Event, true],
    ['cidr outside', { detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, ec2Event, false],
    ['cidr IPv6', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:1::5' }, true],
    ['cidr IPv6 outside', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::5' }, false],
    ['exists true', { detail: { 'c-count': [{ exists: true }] } }, ec2Event, true],
    ['exists true, absent', { detail: { 'e-count': [{ exists: true }] } }, ec2Event, false],
    ['exists false, absent (docs)', { detail: { 'e-count': [{ exists: false }] } }, ec2Event, true],
    ['exists false, present', { detail: { 'c-count': [{ exists: false }] } }, ec2Event, false],
    [
      'exists false on an intermediate node matches (docs: "c-count is not a leaf node")',
      { detail: { 'c-count': [{ exists: false }] } },
      withDetail({ 'c-count': { c1: 100 } }),
      true,
    ],
    [
      'exists true on an intermediate node does not',
      { detail: { 'c-count': [{ exists: true }] } },
      withDetail({ 'c-count': { c1: 100 } }),
      false,
    ],
    ['exists false when the parent is absent', { detail: { x: { y: [{ exists: false }] } } }, ec2Event, true],
    ['alternatives are OR: exact or prefix', { source: ['aws.s3', { prefix: 'aws.e' }] }, ec2Event, true],
    [
      'complex example (README)',
      {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
          'source-ip': [{ cidr: '10.0.0.0/8' }],
        },
      },
      ec2Event,
      true,
    ],
    ['fields are AND: one failing field fails the pattern', { source: ['aws.ec2'], detail: { state: ['stopped'] } }, ec2Event, false],
    [
      '$or inside detail (docs: c-count or d-count or x-limit)',
      {
        detail: {
          $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 1] }] }],
        },
      },
      ec2Event,
      true,
    ],
    ['$or, no branch holds', { detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { state: ['stopped'] }] } }, ec2Event, false],
    [
      '$or with an AND inside a branch (README)',
      {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' },
      true,
    ],
    [
      '$or AND-branch with one field missing',
      {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      { source: 'aws.cloudwatch', metricType: 'MetricType' },
      false,
    ],
  ];
  for (const [name, pattern, event, expected] of cases) {
    assert.equal(validateEventPattern(pattern), undefined, `${name}: the pattern is valid`);
    assert.equal(matchesEventPattern(pattern, event), expected, name);
  }
});

// Answers AWS gave to TestEventPattern, as recorded (AWS-validated) by LocalStack's event_pattern_templates.
test('matchesEventPattern: edge cases as AWS answered them', () => {
  const cases: Case[] = [
    ['anything-but a string matches null', { detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: { state: null } }, true],
    [
      'anything-but prefix matches a number',
      { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      { detail: { state: 12 } },
      true,
    ],
    ['anything-but prefix list', { state: [{ 'anything-but': { prefix: ['init', 'test'] } }] }, { state: 'testing' }, false],
    ['anything-but suffix list', { f: [{ 'anything-but': { suffix: ['.txt', '.jpg'] } }] }, { f: 'a.png' }, true],
    ['dotted pattern key, nested event', { detail: { 'state.status': ['running'] } }, { detail: { state: { status: 'running' } } }, true],
    ['nested pattern, dotted event key', { detail: { state: { status: ['running'] } } }, { detail: { 'state.status': 'running' } }, true],
    ['wildcard with five wildcards is fine', { p: [{ wildcard: '*/*/*/*/*.txt' }] }, { p: 'a/b/c/d/e.txt' }, true],
  ];
  for (const [name, pattern, event, expected] of cases) {
    assert.equal(validateEventPattern(pattern), undefined, `${name}: the pattern is valid`);
    assert.equal(matchesEventPattern(pattern, event), expected, name);
  }
});

test('matchesEventPattern: arrays, null and empty strings as documented', () => {
  // "Arrays in Amazon EventBridge event patterns": the first pattern value matches the event array's second item.
  const arrayPattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };
  const arrayEvent = {
    resources: [
      'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    ],
  };
  assert.equal(matchesEventPattern(arrayPattern, arrayEvent), true, 'intersection non-empty');
  assert.equal(matchesEventPattern(arrayPattern, { resources: [arrayEvent.resources[0]] }), false, 'intersection empty');
  assert.equal(matchesEventPattern(arrayPattern, { resources: [] }), false, 'empty event array');

  // "Matching null values and empty strings": not interchangeable.
  const nullEvent = { source: 'aws.autoscaling', resources: [], detail: { eventVersion: '', responseElements: null } };
  assert.equal(matchesEventPattern({ detail: { eventVersion: [''] } }, nullEvent), true, 'empty string');
  assert.equal(matchesEventPattern({ detail: { responseElements: [null] } }, nullEvent), true, 'null');
  assert.equal(matchesEventPattern({ detail: { responseElements: [''] } }, nullEvent), false, 'empty string is not null');
  assert.equal(matchesEventPattern({ detail: { eventVersion: [null] } }, nullEvent), false, 'null is not an empty string');
  assert.equal(matchesEventPattern({ detail: { absent: [null] } }, nullEvent), false, 'null does not match an absent field');

  // Event Ruler README, "JSON Array Matching": arrays of objects are crushed out, fields stay within one element.
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  assert.equal(matchesEventPattern({ employees: { firstName: ['Anna'] } }, employees), true);
  assert.equal(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, employees), true);
  assert.equal(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, employees), false, 'across elements');
  const nested = { employees: [[employees.employees[0], employees.employees[1]], [employees.employees[2]]] };
  assert.equal(matchesEventPattern({ employees: { firstName: ['Peter'] } }, nested), true, 'multi-level arrays');
  assert.equal(matchesEventPattern({ tags: ['b'] }, { tags: [['a'], ['b']] }), true, 'nested arrays of scalars');
  assert.equal(matchesEventPattern({ n: [{ numeric: ['>', 2] }] }, { n: [1, 3] }), true, 'any element of an array');
});

const RULE_TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

// Reasons as AWS words them (the part after "Event pattern is not valid. Reason: "), from Event Ruler's compiler and the
// AWS-recorded answers in LocalStack's tests/aws/services/events/test_events_patterns.snapshot.json.
test('validateEventPattern: InvalidEventPatternException reasons (Event Ruler compiler)', () => {
  const cases: [unknown, string][] = [
    [[], 'Filter is not an object'],
    ['x', 'Filter is not an object'],
    [{}, 'Empty objects are not allowed'],
    [{ detail: {} }, 'Empty objects are not allowed'],
    [{ source: 'aws.s3' }, '"source" must be an object or an array'],
    [{ source: 5 }, '"source" must be an object or an array'],
    [{ source: [] }, 'Empty arrays are not allowed'],
    [{ source: [['a']] }, 'Match value must be String, number, true, false, or null'],
    [{ source: [{}] }, 'Match expression name not found'],
    [{ source: [{ prefix: 'a', suffix: 'b' }] }, 'Only one key allowed in match expression'],
    [{ source: [{ contains: 'a' }] }, 'Unrecognized match type contains'],
    [{ source: [{ prefix: 5 }] }, 'prefix match pattern must be a string'],
    [{ source: [{ suffix: null }] }, 'suffix match pattern must be a string'],
    [{ source: [{ 'equals-ignore-case': 1 }] }, 'equals-ignore-case match pattern must be a string'],
    [{ source: [{ wildcard: 'a**b' }] }, 'Consecutive wildcard characters at pos 2'],
    [{ source: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 1'],
    [{ source: [{ exists: 'yes' }] }, 'exists match pattern must be either true or false.'],
    [{ n: [{ numeric: 5 }] }, 'Value of numeric must be an array.'],
    [{ n: [{ numeric: ['!=', 5] }] }, 'Unrecognized numeric range operator: !='],
    [{ n: [{ numeric: ['>', '5'] }] }, 'Value of > must be numeric'],
    [{ n: [{ numeric: ['<', 5, '>', 1] }] }, 'Too many elements in numeric expression'],
    [{ n: [{ numeric: ['>', 1, '>', 5] }] }, 'Bad numeric range operator: >'],
    [{ n: [{ numeric: ['>', 1, '<', 5, 6] }] }, 'Too many terms in numeric range expression'],
    [{ n: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR, one '/' required"],
    [{ n: [{ cidr: '10.0.0.0/x' }] }, 'Malformed CIDR, mask bits must be an integer'],
    [{ n: [{ cidr: 'xx.11.xx/24' }] }, 'Nonstandard IP address: xx.11.xx'],
    [{ n: [{ cidr: ['10.0.0.0/24'] }] }, 'prefix match pattern must be a string'],
    [{ n: [{ wildcard: '*:*:*:*:*:event-bus/*' }] }, RULE_TOO_COMPLEX],
    [
      { s: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [{ s: [{ 'anything-but': { suffix: [123, '.txt'] } }] }, 'prefix/suffix match pattern must be a string'],
    [{ s: [{ 'anything-but': { wildcard: 123 } }] }, 'wildcard match pattern must be a string'],
    [
      { s: [{ 'anything-but': { 'equals-ignore-case': [123] } }] },
      'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
    ],
    [{ s: [{ 'anything-but': null }] }, 'Value of anything-but must be an array or single string/number value.'],
    [
      { s: [{ 'anything-but': ['a', 1] }] },
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [{ s: [{ 'anything-but': [true] }] }, 'Inside anything but list, start|null|boolean is not supported.'],
    [{ s: [{ 'anything-but': { contains: 'a' } }] }, 'Unsupported anything-but pattern: contains'],
    [{ s: [{ 'anything-but': { prefix: '' } }] }, 'Null prefix/suffix not allowed'],
    [{ $or: { a: ['x'] } }, 'It must be an Array followed with $or.'],
    [{ $or: [{ a: ['x'] }] }, 'There must have at least 2 Objects in $or relationship.'],
    [{ $or: [{ a: ['x'] }, 'b'] }, 'Only JSON object is allowed in array of $or relationship.'],
    [{ $or: [{ a: ['x'] }, { numeric: [1] }] }, 'numeric is Ruler reserved fieldName which cannot be used inside $or.'],
  ];
  for (const [pattern, reason] of cases) {
    assert.equal(validateEventPattern(pattern), reason, JSON.stringify(pattern));
    assert.equal(matchesEventPattern(pattern, ec2Event), false, `an invalid pattern matches nothing: ${JSON.stringify(pattern)}`);
  }
  assert.equal(validateEventPattern({ source: ['a', 1, true, null, { prefix: { 'equals-ignore-case': 'x' } }] }), undefined);
});
