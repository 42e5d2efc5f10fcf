/** Helpers for the CI end-to-end tests: spawn the built CLI with a clean, offline AWS environment. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CLI = resolve('dist/bin.cjs');
export const cliBuilt = existsSync(CLI);
export const NOT_BUILT = 'dist/bin.cjs not built: run `npm run build` (npm test does)';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Work dirs made in this test file's process: removed when it exits (a test that removes its own loses nothing). */
const workDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of workDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // still in use (a mount a test could not undo): leaving it must not fail the test file
    }
  }
});

/** A work dir with test.txt (the blog's 29-byte file) and empty AWS config files; removed when the process exits. */
export function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-ci-e2e-'));
  workDirs.add(dir);
  writeFileSync(join(dir, 'test.txt'), 'S3 events trigger demo file.\n');
  writeFileSync(join(dir, 'aws-config'), '');
  writeFileSync(join(dir, 'aws-credentials'), '');
  return dir;
}

export function cleanEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && k !== 'CI') env[k] = v;
  return {
    ...env,
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

export function startCli(args: string[], dir: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: dir, env: cleanEnv(dir, env), stdio: ['ignore', 'pipe', 'pipe'] });
}

export function collect(child: ChildProcess): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((ok) => child.on('close', (code) => ok({ code, stdout, stderr })));
}

export function runCli(args: string[], dir: string, env: Record<string, string> = {}): Promise<RunResult> {
  return collect(startCli(args, dir, env));
}

/** The NDJSON records of a run, loosely typed: tests read nested fields and assert their shapes. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export function ndjson(stdout: string): Record<string, any>[] {
  return (
    stdout
      .split('\n')
      .filter((l) => l !== '')
      // biome-ignore lint/suspicious/noExplicitAny: see above
      .map((l) => JSON.parse(l) as Record<string, any>)
  );
}

/** A `s3trigger sandbox --demo BUCKET` in its own process (as a user runs it): its endpoint, and a stop that waits for its exit. */
export async function startSandboxProcess(dir: string, demoBucket: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--region', 'eu-west-1', '--demo', demoBucket], {
    cwd: dir,
    env: cleanEnv(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((ok) => child.on('exit', () => ok()));
  const endpoint = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = / ready on (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    void exited.then(() => fail(new Error(`s3trigger sandbox exited before it was ready: ${out}`)));
  });
  return {
    endpoint,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
