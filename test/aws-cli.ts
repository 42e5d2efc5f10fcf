/** The AWS CLIs the end-to-end tests drive: v1 is the `aws` on PATH, v2 Debian's /usr/bin/aws. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The CLIs to try: label, command, major version. */
export const AWS_CLIS = [
  ['v1', 'aws', '1'],
  ['v2', '/usr/bin/aws', '2'],
] as const;

/**
 * A peer probe's answer, computed once per test run: within a process by memo, across the runner's test-file
 * processes through a file in `S3TRIGGER_TEST_PEER_CACHE` (a directory scripts/run-tests.mjs creates and removes).
 * Every probe is a Python start (~1.4 s of CPU on the shared 2-CPU machine), and most files asked the same questions.
 */
const memo = new Map<string, Promise<unknown>>();
export function probeOnce<T>(key: string, probe: () => Promise<T>): Promise<T> {
  let answer = memo.get(key) as Promise<T> | undefined;
  if (!answer) {
    answer = cachedProbe(key, probe);
    memo.set(key, answer);
  }
  return answer;
}

async function cachedProbe<T>(key: string, probe: () => Promise<T>): Promise<T> {
  const dir = process.env.S3TRIGGER_TEST_PEER_CACHE;
  if (!dir) return probe();
  const file = join(
    dir,
    `${createHash('sha256')
      .update(`${key}\0${process.env.PATH ?? ''}`)
      .digest('hex')
      .slice(0, 16)}.json`,
  );
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { answer: T }).answer;
  } catch {
    // Not probed yet in this run (or the directory is gone): probe and share the answer.
  }
  const answer = await probe();
  try {
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ answer }));
    renameSync(tmp, file);
  } catch {
    // Sharing is only a saving.
  }
  return answer;
}

/** `candidate` when it runs and reports `aws-cli/<major>.`; undefined otherwise (the test then skips). */
export function findCli(candidate: string, major: string): Promise<string | undefined> {
  return probeOnce(`aws-cli ${candidate} ${major}`, async () => {
    try {
      const { stdout, stderr } = await run(candidate, ['--version'], { env: { PATH: process.env.PATH } });
      return `${stdout}${stderr}`.startsWith(`aws-cli/${major}.`) ? candidate : undefined;
    } catch {
      return undefined;
    }
  }).then((found) => found ?? undefined);
}

/** Whether `python3` can import boto3 (the boto3 tests skip otherwise). */
export function hasBoto3(): Promise<boolean> {
  return probeOnce('python3 boto3', async () => {
    try {
      await run('python3', ['-c', 'import boto3'], { env: { PATH: process.env.PATH } });
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The environment the CLIs (and boto3) run with against a sandbox: test credentials, the region, config and
 * credentials files under `home` (none exist), no pager, no EC2 metadata probe.
 */
export function awsCliEnv(home: string, region: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: `${home}/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/credentials`,
    AWS_PAGER: '',
  };
}
