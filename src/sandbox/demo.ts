/**
 * `s3trigger sandbox --demo BUCKET [--handler FILE[:func]]`: the bucket, the function `event-handler`
 * and a notification configuration, created through the sandbox's own API with real SDK clients,
 * exactly as a user would against AWS. Idempotent: a second run updates instead of failing.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  HeadBucketCommand,
  PutBucketNotificationConfigurationCommand,
  S3Client,
  type LambdaFunctionConfiguration,
} from '@aws-sdk/client-s3';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  GetFunctionCommand,
  LambdaClient,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { usageError } from '../errors.js';
import { DEMO_FUNCTION_NAME, DEMO_HANDLER, DEMO_HANDLER_SOURCE, DEMO_RUNTIME } from './lambda/demo-handler.js';
import { logGroupFor } from './lambda/log-format.js';
import { codeSha256, zipPackage } from './lambda/zip.js';
import type { Sandbox } from './server.js';
import type { DemoVia } from '../cli-flags.js';
import { setupDemoVia } from './demo-via.js';
import { providedPackage } from './provided-package.js';

export interface DemoOptions {
  bucket: string;
  /** The user's handler, `FILE[:func]` (.js/.mjs/.py/.rb, `FILE.rb:Class.method`); default: the built-in event-handler. */
  handler?: string;
  /** How the bucket's events reach the function(s): direct (default), or through SNS, SQS or EventBridge (demo-via.ts). */
  via?: DemoVia;
}

export interface DemoFunction {
  functionName: string;
  functionArn: string;
  logGroup: string;
}

/** The demo's (first) function; with `--via`, every function and the chain in words. */
export interface DemoSetup extends DemoFunction {
  functions?: DemoFunction[];
  /** `test-bucket → SNS test-bucket-events → event-handler, event-indexer` (with `--via` only). */
  chain?: string;
}

export interface DemoPackage {
  runtime: Runtime;
  handler: string;
  zip: Uint8Array;
}

export const DEMO_ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
export const DEMO_EVENTS = ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] as const;

/** Splits `FILE[:func]` (Ruby: `FILE:Class.method`); a Windows drive letter's colon is not a separator. */
export function parseHandlerOption(spec: string): { file: string; func: string } {
  const m = /^(.*?)(?::([A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)*))?$/.exec(spec)!;
  return { file: m[1]!, func: m[2] ?? 'handler' };
}

/** Runtime and Lambda handler string for a handler file, by extension. */
export function runtimeFor(
  file: string,
  func: string,
  versions = { node: process.versions.node, python: '3.12', ruby: '3.3' },
): { runtime: Runtime; handler: string } {
  const ext = extname(file).toLowerCase();
  const module = basename(file, extname(file));
  if (ext === '.rb') return { runtime: `ruby${versions.ruby}` as Runtime, handler: `${module}.${func}` };
  if (/[.:]/.test(func)) throw usageError(`--handler ${file}:${func}: Class.method handlers are for .rb files; name a function`);
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') {
    return { runtime: `nodejs${versions.node.split('.')[0]}.x` as Runtime, handler: `${module}.${func}` };
  }
  if (ext === '.py') return { runtime: `python${versions.python}` as Runtime, handler: `${module}.${func}` };
  throw usageError(`--handler ${file}: use a .js, .mjs, .py or .rb file, or a bootstrap executable (or a folder holding one)`);
}

export function demoPackage(handlerOption?: string): DemoPackage {
  if (!handlerOption) return { runtime: DEMO_RUNTIME, handler: DEMO_HANDLER, zip: zipPackage({ 'index.mjs': DEMO_HANDLER_SOURCE }) };
  const custom = providedPackage(handlerOption);
  if (custom) return custom;
  const { file, func } = parseHandlerOption(handlerOption);
  const { runtime, handler } = runtimeFor(file, func);
  let source: Buffer;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    source = readFileSync(file);
  } catch {
    throw usageError(`--handler ${file}: file not found`);
  }
  // The handler's folder goes along (its imported modules), as a deployment package holds them.
  const files: Record<string, string | Uint8Array> = { ...handlerFolderFiles(dirname(resolve(file))), [basename(file)]: source };
  // A .js handler is ESM only under a package.json with "type": "module"; keep that meaning in the zip.
  if (extname(file).toLowerCase() === '.js' && nearestPackageType(dirname(resolve(file))) === 'module') {
    files['package.json'] = '{"type":"module"}\n';
  }
  return { runtime, handler, zip: zipPackage(files) };
}

/** Most files and bytes of a handler's folder packaged with it; a bigger folder (a home directory…) sends the file alone. */
const MAX_FOLDER_FILES = 1000;
const MAX_FOLDER_BYTES = 50 * 1024 * 1024;

/**
 * The files under a handler's folder (relative path -> bytes) for its package: every regular file but those under
 * `node_modules`, `__pycache__` and dot folders, dot files, and the root's package.json / package-lock.json (a
 * .js handler's module type is kept apart, see demoPackage). Empty when the folder holds more than
 * MAX_FOLDER_FILES files or MAX_FOLDER_BYTES bytes. These are the files whose changes hot reload follows (hot-reload.ts).
 */
export function handlerFolderFiles(dir: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  let count = 0;
  let bytes = 0;
  const walk = (at: string, prefix: string): boolean => {
    let entries: Dirent[];
    try {
      entries = readdirSync(at, { withFileTypes: true });
    } catch {
      return true; // unreadable: left out
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === '__pycache__') continue;
      if (!prefix && (entry.name === 'package.json' || entry.name === 'package-lock.json')) continue;
      const path = join(at, entry.name);
      if (entry.isDirectory()) {
        if (!walk(path, `${prefix}${entry.name}/`)) return false;
      } else if (entry.isFile()) {
        const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
        count += 1;
        bytes += size;
        if (count > MAX_FOLDER_FILES || bytes > MAX_FOLDER_BYTES) return false;
        try {
          files[`${prefix}${entry.name}`] = readFileSync(path);
        } catch {
          /* vanished or unreadable while walking: left out */
        }
      }
    }
    return true;
  };
  return walk(dir, '') ? files : {};
}

/** The "type" of the nearest package.json at or above dir, as node resolves it. */
export function nearestPackageType(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { type?: unknown };
      return typeof pkg.type === 'string' ? pkg.type : 'commonjs';
    } catch {
      /* no (readable) package.json here: look further up */
    }
    if (dirname(d) === d) return undefined;
  }
}

export function isError(err: unknown, ...names: string[]): boolean {
  return err instanceof Error && names.includes(err.name);
}

/** The bucket's other configurations stay; ours (for this function) are replaced by the demo's two. */
export function mergeNotification(existing: LambdaFunctionConfiguration[], functionArn: string): LambdaFunctionConfiguration[] {
  const others = existing.filter((c) => c.LambdaFunctionArn !== functionArn);
  return [
    ...others,
    { Id: 's3trigger-demo-created', LambdaFunctionArn: functionArn, Events: [DEMO_EVENTS[0]] },
    { Id: 's3trigger-demo-removed', LambdaFunctionArn: functionArn, Events: [DEMO_EVENTS[1]] },
  ];
}

export async function setupDemo(sandbox: Sandbox, options: DemoOptions): Promise<DemoSetup> {
  if (options.via !== undefined && options.via !== 'direct') return setupDemoVia(sandbox, { ...options, via: options.via });
  const pkg = demoPackage(options.handler);
  const common = {
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const lambda = new LambdaClient(common);
  const logs = new CloudWatchLogsClient(common);
  try {
    await ensureBucket(s3, options.bucket, sandbox.region);
    const functionArn = await ensureFunction(lambda, pkg);
    try {
      await lambda.send(
        new AddPermissionCommand({
          FunctionName: DEMO_FUNCTION_NAME,
          StatementId: `s3-${options.bucket}`,
          Action: 'lambda:InvokeFunction',
          Principal: 's3.amazonaws.com',
          SourceArn: `arn:aws:s3:::${options.bucket}`,
        }),
      );
    } catch (err) {
      if (!isError(err, 'ResourceConflictException')) throw err;
    }
    const current = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: options.bucket }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: options.bucket,
        NotificationConfiguration: {
          TopicConfigurations: current.TopicConfigurations,
          QueueConfigurations: current.QueueConfigurations,
          LambdaFunctionConfigurations: mergeNotification(current.LambdaFunctionConfigurations ?? [], functionArn),
          EventBridgeConfiguration: current.EventBridgeConfiguration,
        },
      }),
    );
    const logGroup = logGroupFor(DEMO_FUNCTION_NAME);
    // AWS creates the group at the first invocation; creating it now lets a tail go live before the first op.
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName: logGroup }));
    } catch (err) {
      if (!isError(err, 'ResourceAlreadyExistsException')) throw err;
    }
    return { functionName: DEMO_FUNCTION_NAME, functionArn, logGroup };
  } finally {
    s3.destroy();
    lambda.destroy();
    logs.destroy();
  }
}

export async function ensureBucket(s3: S3Client, bucket: string, region: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (err) {
    if (!isError(err, 'NotFound', 'NoSuchBucket')) throw err;
  }
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
      }),
    );
  } catch (err) {
    if (!isError(err, 'BucketAlreadyOwnedByYou')) throw err;
  }
}

/** Creates the function, or updates its runtime, handler and code to the package's; returns its ARN. */
export async function ensureFunction(lambda: LambdaClient, pkg: DemoPackage, name: string = DEMO_FUNCTION_NAME): Promise<string> {
  let existing: FunctionConfiguration | undefined;
  try {
    existing = (await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration;
  } catch (err) {
    if (!isError(err, 'ResourceNotFoundException')) throw err;
  }
  if (!existing) {
    const created = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: pkg.runtime,
        Handler: pkg.handler,
        Role: DEMO_ROLE,
        Code: { ZipFile: pkg.zip },
        Description: 's3trigger demo: prints every S3 event it receives',
      }),
    );
    return created.FunctionArn!;
  }
  if (existing.Runtime !== pkg.runtime || existing.Handler !== pkg.handler) {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Runtime: pkg.runtime, Handler: pkg.handler }));
  }
  if (existing.CodeSha256 !== codeSha256(pkg.zip)) {
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: pkg.zip }));
  }
  return existing.FunctionArn!;
}
