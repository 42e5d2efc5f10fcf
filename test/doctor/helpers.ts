/** Shared by the doctor end-to-end tests: run the built `s3trigger doctor --json` against an endpoint and read its checks. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe } from 'node:test';
import { cliBuilt, NOT_BUILT, runCli } from '../ci/helpers.js';
import { clis, startWalk, type Walk } from '../e2e/walkthrough-helpers.js';

const run = promisify(execFile);

export interface DoctorCheck {
  id: string;
  status: 'ok' | 'fail' | 'unknown';
  detail: string;
  fix?: string;
}

export interface DoctorRun {
  code: number | null;
  stderr: string;
  /** The parsed JSON document (undefined when stdout is not JSON). */
  report?: { checks: DoctorCheck[]; reaches: string[]; exitCode: number; summary: string };
  /** The check with this id (throws, listing every check, when there is none). */
  check(id: string): DoctorCheck;
}

/** `s3trigger doctor --endpoint-url ENDPOINT --json ARGS` in `dir` (dist/ must be built). */
export async function doctor(endpoint: string, dir: string, ...args: string[]): Promise<DoctorRun> {
  const r = await runCli(['doctor', '--endpoint-url', endpoint, '--json', ...args], dir, { AWS_REGION: 'eu-west-1' });
  let report: DoctorRun['report'];
  try {
    report = JSON.parse(r.stdout) as DoctorRun['report'];
  } catch {
    report = undefined;
  }
  return {
    code: r.code,
    stderr: r.stderr,
    report,
    check(id) {
      const found = report?.checks.find((c) => c.id === id);
      assert.ok(found, `no check ${id} in:\n${r.stdout}${r.stderr}`);
      return found;
    },
  };
}

/** The failed checks of a run, for messages. */
export const fails = (run: DoctorRun) => (run.report?.checks ?? []).filter((c) => c.status === 'fail');

/** The setup calls the sandbox tests share, over one walk (a `s3trigger sandbox` process) and the AWS CLI v2. */
export function sandboxKit(walk: Walk, cli: string) {
  const aws = (...args: string[]) => walk.aws(cli, ...args);
  return {
    aws,
    doc: (...args: string[]) => doctor(walk.sb.endpoint, walk.dir, ...args),
    bucket: (name: string) =>
      aws('s3api', 'create-bucket', '--bucket', name, '--create-bucket-configuration', `LocationConstraint=${walk.sb.region}`),
    notify: (name: string, config: unknown) =>
      aws('s3api', 'put-bucket-notification-configuration', '--bucket', name, '--notification-configuration', JSON.stringify(config)),
    /** `lambda add-permission` for S3 events of the bucket. */
    allow: (fn: string, name: string) =>
      aws(
        'lambda',
        'add-permission',
        '--function-name',
        fn,
        '--statement-id',
        's3',
        '--action',
        'lambda:InvokeFunction',
        '--principal',
        's3.amazonaws.com',
        '--source-arn',
        `arn:aws:s3:::${name}`,
      ),
    /** Runs a fix the doctor printed (a POSIX shell command line) with the walk's AWS environment. */
    applyFix: (fix: string) => run('sh', ['-c', fix], { env: walk.env, cwd: walk.dir, timeout: 60_000 }),
  };
}

const { v2: CLI_V2 } = await clis();

/** The AWS CLI v2 the sandbox tests set up with (undefined: not installed, the suites skip). */
export const v2 = CLI_V2;

/** What a suite's tests use: the walk and the kit, set once the sandbox is up. */
export interface SuiteContext {
  walk: Walk;
  kit: ReturnType<typeof sandboxKit>;
  cli: string;
}

/**
 * A describe block over one `s3trigger sandbox --port 0 ARGS` process (started before, stopped after), skipped with
 * the reason when dist/ is not built or the AWS CLI v2 is missing. One scenario per file keeps each file within the
 * runner's time limit on a loaded machine (every AWS CLI call is a Python start).
 */
export function doctorSuite(title: string, sandboxArgs: string[], define: (ctx: SuiteContext) => void): void {
  const skip = !cliBuilt ? NOT_BUILT : !v2 ? 'the AWS CLI v2 (/usr/bin/aws) is not installed' : false;
  describe(`s3trigger doctor on the sandbox: ${title}`, { skip }, () => {
    const ctx = {} as SuiteContext;
    before(async () => {
      ctx.walk = await startWalk('doctor', sandboxArgs);
      ctx.kit = sandboxKit(ctx.walk, v2!);
      ctx.cli = v2!;
    });
    after(async () => {
      await ctx.walk?.close();
    });
    define(ctx);
  });
}
