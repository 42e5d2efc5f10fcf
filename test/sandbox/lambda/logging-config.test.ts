/**
 * LoggingConfig (issue 13): validation and the stored value as Lambda answers them (pure), and what the execution
 * environments write with it: JSON platform records, Node's and Python's JSON application records, level filtering,
 * a custom log group, /var/task in displayed paths, a timeout's Duration.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { keepsApplicationLine, jsonErrorLine, reportRecord } from '../../../src/sandbox/lambda/json-logs.js';
import { LEVEL_WITH_TEXT_MESSAGE, mergeLoggingConfig, validateLoggingConfig } from '../../../src/sandbox/lambda/logging-config.js';
import { logGroupOf, withLogGroups } from '../../../src/observe/discover.js';
import { parseLambdaMessage } from '../../../src/observe/lambda-log.js';
import { createFn, lambdaHarness, type Harness } from './helpers.js';

const ID = '4ce9340a-b765-490f-ad8a-02ab3415e2bf';

test('validateLoggingConfig: enums, the log group pattern, levels only with JSON (InvalidParameterValueException)', () => {
  const cases: [unknown, { LogFormat?: 'JSON' | 'Text' } | undefined, string | undefined][] = [
    [undefined, undefined, undefined],
    [{ LogFormat: 'JSON' }, undefined, undefined],
    [{ LogFormat: 'JSON', ApplicationLogLevel: 'ERROR', SystemLogLevel: 'WARN' }, undefined, undefined],
    [
      { LogFormat: 'Json' },
      undefined,
      "ValidationException: 1 validation error detected: Value 'Json' at 'loggingConfig.logFormat' failed to satisfy constraint: Member must satisfy enum value set: [JSON, Text]",
    ],
    [{ LogFormat: 'JSON', ApplicationLogLevel: 'VERBOSE' }, undefined, 'ValidationException'],
    [{ LogFormat: 'JSON', SystemLogLevel: 'ERROR' }, undefined, 'Member must satisfy enum value set: [DEBUG, INFO, WARN]'],
    [{ LogGroup: 'has space' }, undefined, 'Member must satisfy regular expression pattern'],
    [{ LogGroup: '' }, undefined, 'Member must have length greater than or equal to 1'],
    [{ LogGroup: '/custom/s3-events#1' }, undefined, undefined],
    [{ ApplicationLogLevel: 'INFO' }, undefined, `InvalidParameterValueException: ${LEVEL_WITH_TEXT_MESSAGE}`],
    [{ LogFormat: 'Text', SystemLogLevel: 'INFO' }, { LogFormat: 'JSON' }, `InvalidParameterValueException: ${LEVEL_WITH_TEXT_MESSAGE}`],
    // An update naming only a level is checked against the stored format.
    [{ ApplicationLogLevel: 'DEBUG' }, { LogFormat: 'JSON' }, undefined],
    ['JSON', undefined, 'SerializationException'],
  ];
  for (const [input, current, expected] of cases) {
    const err = validateLoggingConfig(input, current);
    if (expected === undefined) assert.equal(err, undefined, JSON.stringify(input));
    else assert.ok(err && `${err.code}: ${err.message}`.includes(expected), `${JSON.stringify(input)} -> ${err?.code}: ${err?.message}`);
  }
});

test('mergeLoggingConfig: JSON gets INFO levels, Text none, the log group stays unless given', () => {
  assert.deepEqual(mergeLoggingConfig('fn', undefined, undefined), { LogFormat: 'Text', LogGroup: '/aws/lambda/fn' });
  assert.deepEqual(mergeLoggingConfig('fn', undefined, { LogFormat: 'JSON' }), {
    LogFormat: 'JSON',
    ApplicationLogLevel: 'INFO',
    SystemLogLevel: 'INFO',
    LogGroup: '/aws/lambda/fn',
  });
  const json = mergeLoggingConfig('fn', undefined, { LogFormat: 'JSON', ApplicationLogLevel: 'ERROR', LogGroup: '/custom/x' });
  assert.deepEqual(mergeLoggingConfig('fn', json, { SystemLogLevel: 'WARN' }), {
    LogFormat: 'JSON',
    ApplicationLogLevel: 'ERROR',
    SystemLogLevel: 'WARN',
    LogGroup: '/custom/x',
  });
  assert.deepEqual(mergeLoggingConfig('fn', json, { LogFormat: 'Text' }), { LogFormat: 'Text', LogGroup: '/custom/x' });
});

test('keepsApplicationLine: JSON records with a level and a timestamp are filtered, anything else passes', () => {
  const rec = (level: string) => JSON.stringify({ timestamp: '2024-01-01T00:00:00.000Z', level, message: 'm' });
  const cases: [string, 'TRACE' | 'INFO' | 'ERROR' | 'FATAL' | undefined, boolean][] = [
    [rec('INFO'), 'ERROR', false],
    [rec('WARN'), 'ERROR', false],
    [rec('ERROR'), 'ERROR', true],
    [rec('FATAL'), 'ERROR', true],
    [rec('DEBUG'), 'INFO', false],
    [rec('debug'), 'TRACE', true],
    [rec('INFO'), undefined, true],
    [JSON.stringify({ level: 'INFO', message: 'no timestamp' }), 'ERROR', true],
    [rec('NOTICE'), 'ERROR', true],
    ['plain print output', 'FATAL', true],
    ['{not json', 'FATAL', true],
  ];
  for (const [line, level, kept] of cases) assert.equal(keepsApplicationLine(line, level), kept, `${line} @ ${level}`);
});

test('platform.report and error records: shapes the engine parses', () => {
  const report = reportRecord(Date.UTC(2024, 0, 1), {
    requestId: ID,
    durationMs: 11.6423,
    memorySizeMB: 128,
    maxMemoryUsedMB: 67,
    initDurationMs: 174.0554,
  });
  assert.deepEqual(JSON.parse(report), {
    time: '2024-01-01T00:00:00.000Z',
    type: 'platform.report',
    record: {
      requestId: ID,
      metrics: { durationMs: 11.642, billedDurationMs: 186, memorySizeMB: 128, maxMemoryUsedMB: 67, initDurationMs: 174.055 },
      status: 'success',
    },
  });
  const parsed = parseLambdaMessage(report);
  assert.equal(parsed.kind, 'report');
  assert.equal(parsed.report?.initDurationMs, 174.055);
  const timedOut = reportRecord(0, { requestId: ID, durationMs: 1000, memorySizeMB: 128, maxMemoryUsedMB: 60, status: 'timeout' });
  assert.equal(parseLambdaMessage(timedOut).outcome, 'timed-out');
  const err = { errorType: 'ValueError', errorMessage: 'bad', trace: ['  File "/var/task/app.py", line 2, in handler\n'] };
  assert.deepEqual(Object.keys(JSON.parse(jsonErrorLine('python3.12', 0, ID, err)!)), [
    'timestamp',
    'level',
    'errorMessage',
    'errorType',
    'requestId',
    'stackTrace',
  ]);
  assert.equal(JSON.parse(jsonErrorLine('python3.12', 0, ID, err)!).timestamp, '1970-01-01T00:00:00');
  assert.deepEqual(JSON.parse(jsonErrorLine('nodejs20.x', 0, ID, err)!).message, {
    errorType: 'ValueError',
    errorMessage: 'bad',
    stackTrace: err.trace,
  });
  assert.equal(jsonErrorLine('ruby3.3', 0, ID, err), undefined);
});

let h: Harness;
before(async () => {
  h = await lambdaHarness();
});
after(() => h.close());

// biome-ignore lint/suspicious/noExplicitAny: records are read field by field and each field is asserted
type Json = Record<string, any>;
const inGroup = (group: string) => h.sink.events.filter((e) => e.group === group).map((e) => e.message);
const jsonOf = (lines: string[]) =>
  lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Json];
    } catch {
      return [];
    }
  });

const NODE_LOGS = `export const handler = async (event) => {
  console.debug('debug line');
  console.log('info line', 1);
  console.info({ nested: { n: 2 } });
  console.warn('careful');
  console.error(new TypeError('broken'));
  if (event.fail) throw new Error('handler failed');
  return 'ok';
};`;

test('node, LogFormat JSON: platform records, console.* as JSON records (objects kept, errors expanded), GetFunction echoes it', async () => {
  const created = await createFn(
    h,
    'node-json',
    'nodejs20.x',
    'index.handler',
    { 'index.mjs': NODE_LOGS },
    { LoggingConfig: { LogFormat: 'JSON' } },
  );
  assert.deepEqual(created.LoggingConfig, {
    LogFormat: 'JSON',
    ApplicationLogLevel: 'INFO',
    SystemLogLevel: 'INFO',
    LogGroup: '/aws/lambda/node-json',
  });
  assert.deepEqual(h.service.functions.get('node-json').Configuration?.LoggingConfig, created.LoggingConfig);
  const out = await h.service.functions.invoke('node-json', '{}');
  assert.equal(out.status, 'success');
  const lines = inGroup('/aws/lambda/node-json');
  assert.ok(lines.every((l) => l.endsWith('\n')));
  const records = jsonOf(lines);
  assert.equal(records.length, lines.length, `every line is JSON:\n${lines.join('')}`);
  assert.deepEqual(
    records.map((r) => r.type ?? r.level),
    ['platform.initStart', 'platform.start', 'INFO', 'INFO', 'WARN', 'ERROR', 'platform.report'],
    'INFO drops console.debug; no END record',
  );
  assert.deepEqual(records[1]!.record, { requestId: out.requestId, version: '$LATEST' });
  assert.equal(records[0]!.record.runtimeVersion, 'nodejs:20.v1');
  assert.deepEqual(records[2], { timestamp: records[2]!.timestamp, level: 'INFO', requestId: out.requestId, message: 'info line 1' });
  assert.match(records[2]!.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(records[3]!.message, { nested: { n: 2 } });
  assert.equal(records[5]!.message.errorType, 'TypeError');
  assert.equal(records[5]!.message.errorMessage, 'broken');
  assert.match(records[5]!.message.stackTrace[1], /\(?file:\/\/\/var\/task\/index\.mjs:6:/, 'paths read /var/task');
  const report = records[6]!.record;
  assert.equal(report.requestId, out.requestId);
  assert.equal(report.status, 'success');
  assert.equal(typeof report.metrics.initDurationMs, 'number');
  assert.equal(report.metrics.billedDurationMs, Math.ceil(report.metrics.durationMs + report.metrics.initDurationMs));
  for (const r of records) assert.notEqual(parseLambdaMessage(JSON.stringify(r)).kind, undefined);
  assert.equal(parseLambdaMessage(JSON.stringify(records[1])).kind, 'start');

  const failed = await h.service.functions.invoke('node-json', '{"fail":true}');
  assert.equal(failed.status, 'error');
  const after = jsonOf(inGroup('/aws/lambda/node-json')).filter(
    (r) => r.requestId === failed.requestId || r.record?.requestId === failed.requestId,
  );
  const invokeError = after.find((r) => r.message?.errorMessage === 'handler failed')!;
  assert.equal(invokeError.level, 'ERROR');
  assert.match(invokeError.message.stackTrace.join('\n'), /file:\/\/\/var\/task\/index\.mjs:7:/);
  assert.deepEqual(
    { status: after.at(-1)!.record.status, init: after.at(-1)!.record.metrics.initDurationMs },
    { status: 'error', init: undefined },
    'warm: no initDurationMs',
  );
});

test('ApplicationLogLevel ERROR drops INFO and WARN records; SystemLogLevel WARN drops the platform records', async () => {
  await createFn(
    h,
    'node-err',
    'nodejs20.x',
    'index.handler',
    { 'index.mjs': NODE_LOGS },
    {
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'ERROR', SystemLogLevel: 'WARN' },
    },
  );
  const out = await h.service.functions.invoke('node-err', '{}');
  assert.equal(out.status, 'success');
  const records = jsonOf(inGroup('/aws/lambda/node-err'));
  assert.deepEqual(
    records.map((r) => r.type ?? r.level),
    ['ERROR'],
  );
});

test('Text with a level is refused as Lambda refuses it; an update switches the format and the next environment applies it', async () => {
  await assert.rejects(
    createFn(
      h,
      'py-bad',
      'python3.12',
      'app.handler',
      { 'app.py': 'def handler(e, c):\n    return 1\n' },
      {
        LoggingConfig: { ApplicationLogLevel: 'INFO' },
      },
    ),
    { code: 'InvalidParameterValueException', message: LEVEL_WITH_TEXT_MESSAGE },
  );
  const PY = `import logging
logger = logging.getLogger('blog')
def handler(event, context):
    print('plain print')
    logger.debug('debug record')
    logger.info('info record')
    logger.error('error record', extra={'bucket': 'b1'})
    try:
        {}['missing']
    except KeyError:
        logger.exception('caught')
    if event.get('fail'):
        raise ValueError('bad value')
    return 'ok'
`;
  await createFn(h, 'py-logs', 'python3.12', 'app.handler', { 'app.py': PY });
  const text = await h.service.functions.invoke('py-logs', '{}');
  assert.equal(text.status, 'success');
  assert.ok(inGroup('/aws/lambda/py-logs').some((l) => l.startsWith(`START RequestId: ${text.requestId}`)));
  const updated = h.service.functions.updateConfiguration('py-logs', {
    FunctionName: 'py-logs',
    LoggingConfig: { LogFormat: 'JSON', LogGroup: '/custom/py-logs' },
  });
  assert.deepEqual(updated.LoggingConfig, {
    LogFormat: 'JSON',
    ApplicationLogLevel: 'INFO',
    SystemLogLevel: 'INFO',
    LogGroup: '/custom/py-logs',
  });
  const out = await h.service.functions.invoke('py-logs', '{"fail":true}');
  assert.equal(out.status, 'error');
  const lines = inGroup('/custom/py-logs');
  assert.ok(lines.includes('plain print\n'), 'print stays plain text');
  const records = jsonOf(lines);
  const app = records.filter((r) => r.level);
  assert.deepEqual(
    app.map((r) => [r.level, r.message ?? r.errorMessage]),
    [
      ['INFO', 'info record'],
      ['ERROR', 'error record'],
      ['ERROR', 'caught'],
      ['ERROR', 'bad value'],
    ],
  );
  assert.deepEqual(app[0], {
    timestamp: app[0]!.timestamp,
    level: 'INFO',
    message: 'info record',
    logger: 'blog',
    requestId: out.requestId,
  });
  assert.equal(app[1]!.bucket, 'b1', 'extra fields kept');
  assert.equal(app[2]!.errorType, 'KeyError');
  assert.match(app[2]!.location, /^\/var\/task\/app\.py:handler:\d+$/);
  assert.equal(app[3]!.errorType, 'ValueError');
  assert.match(app[3]!.stackTrace.join(''), /File "\/var\/task\/app\.py", line 13, in handler/);
  assert.deepEqual(
    records.filter((r) => r.type).map((r) => r.type),
    ['platform.initStart', 'platform.start', 'platform.report'],
  );
  assert.equal(records.at(-1)!.record.status, 'error');
});

test('text format: tracebacks read /var/task, LAMBDA_TASK_ROOT stays the real directory', async () => {
  await createFn(h, 'py-trace', 'python3.12', 'app.handler', {
    'app.py': `import os\ndef handler(event, context):\n    print('root', os.environ['LAMBDA_TASK_ROOT'])\n    raise ValueError('bad value')\n`,
  });
  const out = await h.service.functions.invoke('py-trace', '{}');
  assert.deepEqual(JSON.parse(out.payload).stackTrace, [
    '  File "/var/task/app.py", line 4, in handler\n    raise ValueError(\'bad value\')\n',
  ]);
  const lines = inGroup('/aws/lambda/py-trace');
  assert.ok(
    lines.some((l) => l.startsWith('[ERROR] ValueError: bad value\rTraceback (most recent call last):\r  File "/var/task/app.py", line 4')),
  );
  const root = lines.find((l) => l.startsWith('root '))!;
  assert.doesNotMatch(root, /\/var\/task/);
  assert.match(root, /^root \/.+\/code\n$/);
});

test('a 1 s timeout reports Duration: 1000.00 ms and Status: timeout (text) / "status":"timeout" (JSON)', async () => {
  const files = { 'app.py': 'import time\ndef handler(event, context):\n    time.sleep(10)\n' };
  await createFn(h, 'py-slow-text', 'python3.12', 'app.handler', files, { Timeout: 1 });
  await createFn(h, 'py-slow-json', 'python3.12', 'app.handler', files, { Timeout: 1, LoggingConfig: { LogFormat: 'JSON' } });
  const [text, json] = await Promise.all([
    h.service.functions.invoke('py-slow-text', '{}'),
    h.service.functions.invoke('py-slow-json', '{}'),
  ]);
  assert.equal(text.status, 'timeout');
  const report = inGroup('/aws/lambda/py-slow-text').find((l) => l.startsWith('REPORT'))!;
  assert.match(
    report,
    /^REPORT RequestId: \S+\tDuration: 1000\.00 ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\tStatus: timeout\n$/,
  );
  assert.equal(json.status, 'timeout');
  const record = jsonOf(inGroup('/aws/lambda/py-slow-json')).find((r) => r.type === 'platform.report')!.record;
  assert.equal(record.status, 'timeout');
  assert.equal(record.metrics.durationMs, 1000);
});

test('withLogGroups: a function whose LoggingConfig names another group is tailed there', () => {
  const discovery = {
    bucket: 'b',
    functions: ['blog', 'other'],
    logGroups: ['/aws/lambda/blog', '/aws/lambda/other', '/extra/group'],
    destinations: [],
    warnings: [],
  };
  assert.equal(withLogGroups(discovery, {}), discovery);
  assert.deepEqual(withLogGroups(discovery, { blog: '/custom/blog', other: '/aws/lambda/other' }), {
    ...discovery,
    logGroups: ['/custom/blog', '/aws/lambda/other', '/extra/group'],
    logGroupByFunction: { blog: '/custom/blog', other: '/aws/lambda/other' },
  });
  assert.equal(logGroupOf('blog', { blog: '/custom/blog' }), '/custom/blog');
  assert.equal(logGroupOf('blog'), '/aws/lambda/blog');
});

test('text format: node stacks and ruby backtraces read /var/task', async (t) => {
  await createFn(h, 'node-trace', 'nodejs20.x', 'index.handler', {
    'index.mjs': `export const handler = async () => {\n  throw new Error('node failed');\n};`,
  });
  const node = await h.service.functions.invoke('node-trace', '{}');
  assert.match(JSON.parse(node.payload).trace[1], /^ {4}at (?:Runtime\.)?handler \(file:\/\/\/var\/task\/index\.mjs:2:9\)$/);
  const invokeError = inGroup('/aws/lambda/node-trace').find((l) => l.includes('Invoke Error'))!;
  assert.match(invokeError, /file:\/\/\/var\/task\/index\.mjs:2:9/);
  if (!(await hasRuby())) return t.skip('ruby not found');
  await createFn(h, 'rb-trace', 'ruby3.3', 'app.handler', {
    'app.rb': `def handler(event:, context:)\n  raise ArgumentError, 'ruby failed'\nend\n`,
  });
  const rb = await h.service.functions.invoke('rb-trace', '{}');
  assert.equal(rb.status, 'error');
  assert.match(JSON.parse(rb.payload).stackTrace[0], /^\/var\/task\/app\.rb:2:in [`']handler'$/);
});

async function hasRuby(): Promise<boolean> {
  const { execFile } = await import('node:child_process');
  return new Promise((ok) => execFile('ruby', ['-v'], (err) => ok(!err)));
}
