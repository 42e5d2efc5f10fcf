/**
 * CI mode on a real terminal (tmux): multipart progress and the waiting line are drawn in place on stderr, while
 * `--json` stdout (a file here) stays pure NDJSON. Without a terminal nothing of it is written (ci-local.test.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, cleanEnv, cliBuilt, NOT_BUILT } from '../ci/helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a terminal on stderr: multipart progress and the waiting line, in place; --json stdout untouched', { timeout: 90_000 }, async (t) => {
  if (!cliBuilt) return t.skip(NOT_BUILT);
  if (!hasTmux) return t.skip('tmux not found on PATH');
  const home = mkdtempSync(join(tmpdir(), 's3trigger-ci-tty-'));
  for (const f of ['aws-config', 'aws-credentials']) writeFileSync(join(home, f), '');
  // The invocation takes two seconds: the waiting line has time to show.
  writeFileSync(
    join(home, 'slow.mjs'),
    'export const handler = async (event) => { console.log(event.Records[0].s3.object.key); await new Promise((r) => setTimeout(r, 2000)); };\n',
  );
  const env: NodeJS.ProcessEnv = { ...cleanEnv(home), TERM: 'xterm-256color' };
  delete env['TMUX'];
  const socket = join(home, 'tmux.sock');
  const tmux = (...args: string[]) => spawnSync('tmux', ['-S', socket, ...args], { encoding: 'utf8', env });
  t.after(() => {
    tmux('kill-server');
    rmSync(home, { recursive: true, force: true });
  });

  const [raw, out, exit] = ['raw', 'out.json', 'exit'].map((f) => join(home, f)) as [string, string, string];
  const args = [
    '--local',
    '--handler',
    'slow.mjs',
    '--bucket',
    'tty-bucket',
    '--multipart',
    'big.bin',
    '--size',
    '30',
    '--part-size',
    '5',
    '--concurrency',
    '1',
    '--wait',
    '--timeout',
    '20s',
    '--json',
  ];
  // `read` holds the command until the pane's output is piped to a file.
  const command = `read go; cd '${home}' && node '${CLI}' ${args.join(' ')} > '${out}'; echo $? > '${exit}'`;
  assert.equal(tmux('new-session', '-d', '-s', 'ci', '-x', '120', '-y', '30', 'sh', '-c', command).status, 0);
  assert.equal(tmux('pipe-pane', '-t', 'ci', '-o', `cat >> '${raw}'`).status, 0);
  tmux('send-keys', '-t', 'ci', 'Enter');
  const end = Date.now() + 80_000;
  while (!existsSync(exit) && Date.now() < end) await sleep(200);
  assert.ok(existsSync(exit), `the run ended; pane:\n${tmux('capture-pane', '-p', '-t', 'ci').stdout}`);
  assert.equal(readFileSync(exit, 'utf8').trim(), '0', readFileSync(raw, 'utf8'));

  const terminal = readFileSync(raw, 'utf8');
  assert.match(terminal, /\r\u001b\[2KMULTIPART big\.bin: \d+\.\d of 30\.0 MiB \(\d+%\)/, 'progress drawn in place');
  assert.match(terminal, /MULTIPART big\.bin: 30\.0 of 30\.0 MiB \(100%\)/, 'the last part is shown');
  assert.match(terminal, /\r\u001b\[2KWaiting for the invocation of MULTIPART big\.bin: [1-9]\d*s of 20s/, 'the waiting line');
  const stdout = readFileSync(out, 'utf8');
  assert.ok(!/[\r\u001b]/.test(stdout), 'no progress in --json stdout');
  const records = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { status: string });
  assert.deepEqual(
    records.map((r) => r.status),
    ['matched'],
  );
});
