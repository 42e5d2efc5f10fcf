import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  attachDashValues,
  parallelProblem,
  parseVia,
  repeatedFlagProblem,
  SCALAR_FLAGS,
  sandboxOnlyFlagProblem,
  sandboxViaProblem,
} from '../src/cli-flags.js';
import { CLI_ORDER } from '../src/ops/registry.js';
import { cliBuilt, NOT_BUILT, runCli, workDir } from './ci/helpers.js';

for (const [name, argv, want] of [
  ['a dash value joins its flag', ['--bucket', '-abc', '--put', 'f'], ['--bucket=-abc', '--put', 'f']],
  ['a negative duration', ['--timeout', '-5s'], ['--timeout=-5s']],
  ['a following long flag is left alone', ['--bucket', '--put', 'f'], ['--bucket', '--put', 'f']],
  ['booleans take no value', ['--wait', '-x'], ['--wait', '-x']],
  ['after -- nothing changes', ['--', '--bucket', '-a'], ['--', '--bucket', '-a']],
  ['already joined', ['--key=-k'], ['--key=-k']],
] as const) {
  test(`attachDashValues: ${name}`, () => assert.deepEqual(attachDashValues(argv), want));
}

for (const [name, args, want] of [
  ['once each', { bucket: 'a', put: 'x', function: ['f', 'g'] }, undefined],
  ['--bucket twice', { bucket: ['a', 'b'] }, "--bucket was given more than once ('a', 'b'): give it once"],
  ['--put twice', { put: ['x', 'y'] }, "--put was given more than once ('x', 'y'): give it once"],
  ['a newline in a value', { key: ['a\nb', 'c'] }, "--key was given more than once ('a\\nb', 'c'): give it once"],
  [
    '--copy twice',
    { copy: ['a', 'b', 'c', 'd', 'e', 'f'] },
    '--copy was given more than once: one COPY per run (SRC_BUCKET SRC_KEY DEST_KEY)',
  ],
  ['--put-tagging once', { 'put-tagging': ['k', 'env=dev'] }, undefined],
  [
    '--put-tagging twice',
    { 'put-tagging': ['k', 'env=dev', 'j', 'a=1'] },
    '--put-tagging was given more than once: one PUT-TAGGING per run (KEY TAGS)',
  ],
  ['--delete-tagging twice', { 'delete-tagging': ['a', 'b'] }, "--delete-tagging was given more than once ('a', 'b'): give it once"],
  [
    '--put-acl twice',
    { 'put-acl': ['k', 'private', 'j', 'private'] },
    '--put-acl was given more than once: one PUT-ACL per run (KEY CANNED_ACL)',
  ],
] as const) {
  test(`repeatedFlagProblem: ${name}`, () =>
    assert.equal(repeatedFlagProblem(args as Record<string, unknown>, SCALAR_FLAGS, CLI_ORDER), want));
}

for (const [raw, want] of [
  ['direct', { via: 'direct' }],
  ['sns', { via: 'sns' }],
  ['SQS', { via: 'sqs' }],
  [' eventbridge ', { via: 'eventbridge' }],
  ['kinesis', { problem: "--via 'kinesis': use direct, sns, sqs or eventbridge" }],
  ['', { problem: "--via '': use direct, sns, sqs or eventbridge" }],
] as const) {
  test(`parseVia: '${raw}'`, () => assert.deepEqual(parseVia(raw), want));
}

for (const [name, flags, want] of [
  ['--via with --local', { via: 'sns', local: true }, undefined],
  ['--via with --handler', { via: 'sqs', handler: 'h.py' }, undefined],
  ['--strict with --local', { strict: true, local: true }, undefined],
  ['neither', {}, undefined],
  ['--strict false elsewhere', { strict: false }, undefined],
  ['--via on another target', { via: 'sns' }, /^--via sns wires the embedded sandbox's demo bucket: add --local/],
  ['--via direct on another target', { via: 'direct' }, /^--via direct wires the embedded sandbox/],
  ['--strict on another target', { strict: true }, /^--strict enforces AWS's permission checks in the embedded sandbox: add --local/],
] as const) {
  test(`sandboxOnlyFlagProblem: ${name}`, () => {
    const got = sandboxOnlyFlagProblem(flags);
    if (want === undefined) assert.equal(got, undefined);
    else assert.match(got ?? '', want);
  });
}

test('sandboxViaProblem: s3trigger sandbox --via needs --demo', () => {
  assert.equal(sandboxViaProblem({ via: 'sns', demo: 'b' }), undefined);
  assert.equal(sandboxViaProblem({ demo: 'b' }), undefined);
  assert.equal(sandboxViaProblem({ via: 'sns' }), '--via sns wires the demo bucket: add --demo BUCKET');
});

test('attachDashValues: --via takes one value', () => assert.deepEqual(attachDashValues(['--via', '-x']), ['--via=-x']));
test('repeatedFlagProblem: --via twice', () =>
  assert.equal(repeatedFlagProblem({ via: ['sns', 'sqs'] }), "--via was given more than once ('sns', 'sqs'): give it once"));

const cliSkip = cliBuilt ? false : NOT_BUILT;
for (const [args, message] of [
  [['--bucket', 'b', '--put', 'test.txt', '--via', 'sns'], /^s3trigger: --via sns wires the embedded sandbox's demo bucket: add --local/],
  [['--endpoint-url', 'http://127.0.0.1:9', '--bucket', 'b', '--put', 'test.txt', '--via', 'sqs'], /^s3trigger: --via sqs wires/],
  [['--bucket', 'b', '--put', 'test.txt', '--strict'], /^s3trigger: --strict enforces AWS's permission checks in the embedded sandbox/],
  [['--local', '--bucket', 'b', '--put', 'test.txt', '--via', 'kafka'], /^s3trigger: --via 'kafka': use direct, sns, sqs or eventbridge$/],
  [['sandbox', '--port', '0', '--via', 'sns'], /^s3trigger: --via sns wires the demo bucket: add --demo BUCKET$/],
  [['sandbox', '--port', '0', '--demo', 'b', '--via', 'ftp'], /^s3trigger: --via 'ftp': use direct, sns, sqs or eventbridge$/],
  [
    ['--local', '--bucket', 'test-bucket', '--put', 'test.txt', '--put-tagging', 'test.txt', 'env=dev&env=prod'],
    /^s3trigger: --put-tagging TAGS: tag key 'env' is given twice: keys must be unique$/,
  ],
  [['--local', '--bucket', 'test-bucket', '--put-tagging', 'test.txt', 'env'], /^s3trigger: --put-tagging TAGS: 'env' is not key=value/],
  [
    ['--local', '--bucket', 'test-bucket', '--put-acl', 'test.txt', 'public'],
    /^s3trigger: --put-acl CANNED_ACL: 'public' is not a canned ACL: use one of private, public-read, public-read-write, authenticated-read, aws-exec-read, bucket-owner-read, bucket-owner-full-control$/,
  ],
  [['--local', '--bucket', 'test-bucket', '--put-acl', 'test.txt'], /^s3trigger: Not enough arguments following: put-acl/],
  [
    ['--local', '--bucket', 'test-bucket', '--delete-tagging', 'a', '--delete-tagging', 'b'],
    /^s3trigger: --delete-tagging was given more than once/,
  ],
] as const) {
  test(`s3trigger ${args.join(' ')} -> exit 2, one line`, { skip: cliSkip }, async (t) => {
    const dir = workDir();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = await runCli([...args], dir);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, message);
    assert.equal(r.stdout, '');
  });
}

test('parallelProblem: --parallel paces --burst or --retrigger-prefix, 1 to 256 for both', () => {
  const cases: [string | undefined, { burst?: string; retriggerPrefix?: string }, string | undefined][] = [
    [undefined, {}, undefined],
    ['2', {}, '--parallel needs --burst N or --retrigger-prefix P'],
    ['256', { burst: '5' }, undefined],
    ['1', { retriggerPrefix: 'x/' }, undefined],
    ['300', { burst: '5' }, "--parallel '300' must be a whole number from 1 to 256"],
    ['300', { retriggerPrefix: 'x/' }, "--parallel '300' must be a whole number from 1 to 256"],
    ['0', { burst: '5' }, "--parallel '0' must be a whole number from 1 to 256"],
    ['2.5', { retriggerPrefix: '' }, "--parallel '2.5' must be a whole number from 1 to 256"],
  ];
  for (const [raw, paces, want] of cases) assert.equal(parallelProblem(raw, paces), want, `${raw} ${JSON.stringify(paces)}`);
});
