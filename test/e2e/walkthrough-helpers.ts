/**
 * Shared setup for the cross-service walkthroughs (issue #10): one real `s3trigger sandbox --port 0` process per file
 * (the built CLI), a temp dir holding the zipped logger handler and empty AWS config files, the AWS CLIs (v2 Debian
 * 2.9, v1) and boto3 run against it with dummy credentials, and readers of what a function logged (FilterLogEvents
 * over the SDK, or `aws logs tail`).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { zipPackage } from '../../src/sandbox/lambda/zip.js';
import { findCli, hasBoto3 } from '../aws-cli.js';
import { CLI, cleanEnv } from '../ci/helpers.js';

const run = promisify(execFile);

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

/** The handler the walkthroughs deploy: it prints the event it got, nothing else (the brief's Jets-style logger). */
export const LOGGER = 'export const handler = async (event) => { console.log(JSON.stringify(event)); };';

// biome-ignore lint/suspicious/noExplicitAny: events are read field by field and each field is asserted
export type Json = Record<string, any>;

export interface Walk {
  sb: { endpoint: string; region: string };
  dir: string;
  /** The sandbox's ready line, as printed on stdout. */
  ready: string;
  /** The sandbox's own log lines (stderr: delivery failures, permission hints). */
  lines: string[];
  env: NodeJS.ProcessEnv;
  /** `aws --endpoint-url … --output json ARGS` with `cli`; stdout parsed as JSON, or `{ text }` when it is not JSON (`s3 cp`). */
  aws(cli: string, ...args: string[]): Promise<Json>;
  /** The same, expected to fail: its stderr (throws when the command succeeds). */
  awsFails(cli: string, ...args: string[]): Promise<string>;
  /** A python3 script with argv [endpoint, ...args]; stdout parsed as JSON. */
  python(script: string, ...args: string[]): Promise<Json>;
  /** The events `fn` printed (the JSON lines of LOGGER), once `enough` holds over them (20 s at most). */
  events(fn: string, enough: (events: Json[]) => boolean): Promise<Json[]>;
  close(): Promise<void>;
}

/** Starts `s3trigger sandbox --port 0 ARGS` (dist/ must be built) and waits for its ready line. */
export async function startWalk(prefix: string, sandboxArgs: string[] = []): Promise<Walk> {
  const dir = mkdtempSync(join(tmpdir(), `s3trigger-walk-${prefix}-`));
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--region', 'eu-west-1', ...sandboxArgs], {
    cwd: dir,
    env: cleanEnv(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    const parts = stderr.split('\n');
    stderr = parts.pop()!;
    lines.push(...parts);
  });
  const ready = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes(' ready on '));
      if (line) ok(line);
    });
    void exited.then((code) => fail(new Error(`s3trigger sandbox exited ${code}: ${lines.join('\n')}${stderr}`)));
  });
  const endpoint = / ready on (http:\/\/\S+)/.exec(ready)![1]!;
  const sb = { endpoint, region: 'eu-west-1' };
  writeFileSync(join(dir, 'config'), '');
  writeFileSync(join(dir, 'credentials'), '');
  writeFileSync(join(dir, 'logger.zip'), zipPackage({ 'index.mjs': LOGGER }));
  writeFileSync(join(dir, 'test.txt'), 'S3 events trigger demo file.\n');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: sb.region,
    AWS_REGION: sb.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_PAGER: '',
  };
  const logs = new CloudWatchLogsClient({
    endpoint: sb.endpoint,
    region: sb.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const cliArgs = (args: string[]) => ['--endpoint-url', sb.endpoint, '--output', 'json', ...args];
  return {
    sb,
    dir,
    ready,
    lines,
    env,
    async aws(cli, ...args) {
      const { stdout } = await run(cli, cliArgs(args), { env, cwd: dir, timeout: 60_000 });
      return parse(stdout) ?? { text: stdout };
    },
    async awsFails(cli, ...args) {
      try {
        await run(cli, cliArgs(args), { env, cwd: dir, timeout: 60_000 });
      } catch (err) {
        return (err as { stderr: string }).stderr;
      }
      throw new Error(`expected to fail: aws ${args.join(' ')}`);
    },
    async python(script, ...args) {
      const { stdout } = await run('python3', ['-c', script, sb.endpoint, ...args], { env, cwd: dir, timeout: 60_000 });
      return JSON.parse(stdout) as Json;
    },
    async events(fn, enough) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        let events: Json[] = [];
        try {
          const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}` }));
          events = (out.events ?? []).flatMap((e) => printedJson(e.message ?? ''));
        } catch (err) {
          if (!(err instanceof Error && err.name === 'ResourceNotFoundException')) throw err;
        }
        if (enough(events)) return events;
        if (Date.now() > deadline) throw new Error(`${fn} logged so far:\n${JSON.stringify(events, null, 1)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      logs.destroy();
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`s3trigger sandbox stopped with ${code} on SIGTERM`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON object a Node handler printed on this log line (`time\trequestId\tINFO\t{…}`), or none. */
export function printedJson(line: string): Json[] {
  const text = line.split('\t').at(-1)?.trim() ?? '';
  if (!text.startsWith('{')) return [];
  try {
    return [JSON.parse(text) as Json];
  } catch {
    return [];
  }
}

/** The AWS CLI v2 (Debian's /usr/bin/aws) and v1 (`aws` on PATH), each undefined when not installed. */
export async function clis(): Promise<{ v1?: string; v2?: string }> {
  const [v1, v2] = await Promise.all([findCli('aws', '1'), findCli('/usr/bin/aws', '2')]);
  return { v1, v2 };
}

/** Whether python3 can import boto3 (probed once per test run). */
export { hasBoto3 };

/** `aws lambda create-function` of the logger; returns the function's ARN. */
export async function createLogger(walk: Walk, cli: string, name: string): Promise<string> {
  const out = await walk.aws(
    cli,
    'lambda',
    'create-function',
    '--function-name',
    name,
    '--runtime',
    'nodejs20.x',
    '--handler',
    'index.handler',
    '--zip-file',
    'fileb://logger.zip',
    '--role',
    ROLE,
  );
  return out.FunctionArn as string;
}

/**
 * `aws logs tail GROUP` (CLI v2 only; v1 has no `logs tail`): the JSON events printed in the group, parsed from the
 * tail's `time stream message` lines.
 */
export async function tailEvents(walk: Walk, v2: string, group: string): Promise<Json[]> {
  const { stdout } = await run(v2, ['--endpoint-url', walk.sb.endpoint, 'logs', 'tail', group, '--since', '1h'], {
    env: walk.env,
    cwd: walk.dir,
    timeout: 60_000,
  });
  return stdout.split('\n').flatMap(printedJson);
}

/** The S3 test event S3 sends when a configuration naming a queue or topic is saved. */
export const isTestEvent = (m: Json, bucket: string): boolean =>
  m.Service === 'Amazon S3' && m.Event === 's3:TestEvent' && m.Bucket === bucket;

/** JSON.parse that yields undefined for text that is not JSON. */
export function parse(text: unknown): Json | undefined {
  try {
    return typeof text === 'string' ? (JSON.parse(text) as Json) : undefined;
  } catch {
    return undefined;
  }
}
