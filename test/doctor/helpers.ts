/** Shared by the doctor end-to-end tests: run the built `s3trigger doctor --json` against an endpoint and read its checks. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  type NotificationConfiguration,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { zipPackage } from '../../src/sandbox/lambda/zip.js';
import { findCli } from '../aws-cli.js';
import { cliBuilt, NOT_BUILT, runCli } from '../ci/helpers.js';
import { clis, LOGGER, ROLE, startWalk, type Walk } from '../e2e/walkthrough-helpers.js';

const run = promisify(execFile);

export interface DoctorCheck {
  id: string;
  status: 'ok' | 'fail' | 'unknown';
  detail: string;
  fix?: string;
}

export interface DoctorRun {
  code: number | null;
  stdout: string;
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
    stdout: r.stdout,
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

/**
 * The setup calls the sandbox tests share, over one walk (a `s3trigger sandbox` process): the AWS SDK v3, since the
 * setup is not what these files test and every AWS CLI call is a Python start (~1.5 s of CPU on the 2-CPU CI machine);
 * the walkthroughs (test/e2e/walkthrough-*.test.ts) drive the same calls with the AWS CLI. The fixes the doctor prints
 * are still run as printed, with the AWS CLI on PATH (`applyFix`).
 */
export function sandboxKit(walk: Walk) {
  const config = {
    endpoint: walk.sb.endpoint,
    region: walk.sb.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const sdk = {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    lambda: new LambdaClient(config),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
    events: new EventBridgeClient(config),
  };
  return {
    sdk,
    doc: (...args: string[]) => doctor(walk.sb.endpoint, walk.dir, ...args),
    bucket: (name: string) =>
      sdk.s3.send(
        new CreateBucketCommand({
          Bucket: name,
          CreateBucketConfiguration: { LocationConstraint: walk.sb.region as BucketLocationConstraint },
        }),
      ),
    /** `PutBucketNotificationConfiguration` of `config` (its JSON shape, as the AWS CLI takes it). */
    notify: (name: string, config: unknown) =>
      sdk.s3.send(
        new PutBucketNotificationConfigurationCommand({ Bucket: name, NotificationConfiguration: config as NotificationConfiguration }),
      ),
    /** `CreateFunction` of the walkthroughs' logger (LOGGER); returns the function's ARN. */
    logger: async (name: string) =>
      (
        await sdk.lambda.send(
          new CreateFunctionCommand({
            FunctionName: name,
            Runtime: 'nodejs20.x',
            Handler: 'index.handler',
            Role: ROLE,
            Code: { ZipFile: zipPackage({ 'index.mjs': LOGGER }) },
          }),
        )
      ).FunctionArn!,
    /** `AddPermission` for S3 events of the bucket (statement id `s3`). */
    allow: (fn: string, name: string) => allowInvoke(sdk.lambda, fn, 's3', 's3.amazonaws.com', `arn:aws:s3:::${name}`),
    /** `AddPermission` for `principal` (a service, e.g. sns.amazonaws.com) from `sourceArn`. */
    allowFrom: (fn: string, sid: string, principal: string, sourceArn: string) => allowInvoke(sdk.lambda, fn, sid, principal, sourceArn),
    /** Uploads the walk's test.txt (29 bytes) to s3://BUCKET/KEY. */
    put: (name: string, key: string) =>
      sdk.s3.send(new PutObjectCommand({ Bucket: name, Key: key, Body: readFileSync(join(walk.dir, 'test.txt')) })),
    /** Runs a fix the doctor printed (a POSIX shell command line) with the walk's AWS environment. */
    applyFix: (fix: string) => run('sh', ['-c', fix], { env: walk.env, cwd: walk.dir, timeout: 60_000 }),
    close() {
      for (const client of Object.values(sdk)) client.destroy();
    },
  };
}

function allowInvoke(lambda: LambdaClient, fn: string, sid: string, principal: string, sourceArn: string) {
  return lambda.send(
    new AddPermissionCommand({
      FunctionName: fn,
      StatementId: sid,
      Action: 'lambda:InvokeFunction',
      Principal: principal,
      SourceArn: sourceArn,
    }),
  );
}

const { v2: CLI_V2 } = await clis();

/** The AWS CLI v2 (undefined: not installed; the moto suite, which creates its IAM role with it, skips). */
export const v2 = CLI_V2;

/** The `aws` a printed fix runs (the first on PATH, v1 or v2); undefined when there is none. */
const awsOnPath = (await findCli('aws', '1')) ?? (await findCli('aws', '2'));

/** What a suite's tests use: the walk and the kit, set once the sandbox is up. */
export interface SuiteContext {
  walk: Walk;
  kit: ReturnType<typeof sandboxKit>;
}

/**
 * A describe block over one `s3trigger sandbox --port 0 ARGS` process (started before, stopped after), skipped with
 * the reason when dist/ is not built, or when `runsFixes` (its tests run a printed fix) and no AWS CLI is on PATH.
 * One scenario per file lets the runner spread them over its workers.
 */
export function doctorSuite(title: string, sandboxArgs: string[], define: (ctx: SuiteContext) => void, runsFixes = false): void {
  const skip = !cliBuilt ? NOT_BUILT : runsFixes && !awsOnPath ? 'no AWS CLI (aws) on PATH to run the printed fix' : false;
  describe(`s3trigger doctor on the sandbox: ${title}`, { skip }, () => {
    const ctx = {} as SuiteContext;
    before(async () => {
      ctx.walk = await startWalk('doctor', sandboxArgs);
      ctx.kit = sandboxKit(ctx.walk);
    });
    after(async () => {
      ctx.kit?.close();
      await ctx.walk?.close();
    });
    define(ctx);
  });
}

/** doctorSuite for tests that run a fix the doctor printed: skipped when no AWS CLI is on PATH. */
export function doctorFixSuite(title: string, sandboxArgs: string[], define: (ctx: SuiteContext) => void): void {
  doctorSuite(title, sandboxArgs, define, true);
}
