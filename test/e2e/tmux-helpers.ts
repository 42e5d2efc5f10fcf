/** Shared by the tmux tests: the built CLI in a real terminal on a private tmux server. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CLI = resolve('dist/bin.cjs');
export const SESSION = 'tui';

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
}

export function cleanEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['CI'];
  delete env['NO_COLOR'];
  delete env['TMUX'];
  return {
    ...env,
    TERM: 'xterm-256color',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    S3TRIGGER_E2E_TMUX_SOCKET: join(home, 'tmux.sock'),
    S3TRIGGER_CACHE_DIR: join(home, 'code-cache'),
  };
}

/** tmux on a private server whose socket lives in the test's temp dir. */
export function tmux(env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = spawnSync('tmux', ['-S', env['S3TRIGGER_E2E_TMUX_SOCKET']!, ...args], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function poll<T>(what: string, read: () => T, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last seen:\n${String(value)}`);
    await sleep(200);
  }
}

export function processesInSession(sid: number): string[] {
  const r = spawnSync('ps', ['-e', '-o', 'sid=,pid=,args='], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && Number(l.split(/\s+/)[0]) === sid);
}

/** Presses `q`, waits for the exit code the pane's shell writes to `exitFile`, then for no process left in the pane's session. */
export async function quitAndWaitForExit(env: NodeJS.ProcessEnv, exitFile: string, panePid: number): Promise<string> {
  tmux(env, 'send-keys', '-t', SESSION, '-l', 'q');
  const code = await poll(
    'the exit code',
    () => (existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() : ''),
    (c) => c !== '',
    30_000,
  );
  // Every process the pane started (CLI, sandbox, Lambda workers) shares the pane's session id.
  await poll(
    'no process left in the pane’s session',
    () => processesInSession(panePid),
    (left) => left.length === 0,
    10_000,
  );
  return code;
}

/**
 * The built CLI's interactive view on the local sandbox (`--local --bucket test-bucket`) in a detached tmux session of
 * `columns` x `rows`, with an empty AWS config in a temp home; the tmux server and home are removed after the test.
 * `beforeStart` runs first with the session's environment; `screen()` is the pane's text, or why the CLI exited early.
 */
export function startTuiInTmux(
  t: { after(fn: () => void): void },
  name: string,
  columns: number,
  rows: number,
  beforeStart?: (env: NodeJS.ProcessEnv) => void,
): { env: NodeJS.ProcessEnv; exitFile: string; panePid: number; screen(): string } {
  const home = mkdtempSync(join(tmpdir(), `s3trigger-tmux-${name}-`));
  writeFileSync(join(home, 'aws-config'), '');
  writeFileSync(join(home, 'aws-credentials'), '');
  const exitFile = join(home, 'exit-code');
  const env = cleanEnv(home);
  t.after(() => {
    spawnSync('tmux', ['-S', env['S3TRIGGER_E2E_TMUX_SOCKET']!, 'kill-server'], { env });
    rmSync(home, { recursive: true, force: true });
  });
  beforeStart?.(env);
  const command = `cd '${home}' && node '${CLI}' --local --bucket test-bucket; echo $? > '${exitFile}'`;
  tmux(env, 'new-session', '-d', '-s', SESSION, '-x', String(columns), '-y', String(rows), 'sh', '-c', command);
  const panePid = Number(tmux(env, 'display-message', '-p', '-t', SESSION, '#{pane_pid}').trim());
  const screen = () =>
    existsSync(exitFile) ? `exited early: ${readFileSync(exitFile, 'utf8')}` : tmux(env, 'capture-pane', '-p', '-t', SESSION);
  return { env, exitFile, panePid, screen };
}
