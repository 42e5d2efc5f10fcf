/** Shared set-up for the S3 end-to-end tests: a sandbox on port 0, a real SDK client, an event recorder. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/server.js';
import type { S3Notification } from '../../../src/sandbox/context.js';
import { sigV4 } from '../raw-http.js';

export const FN_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:event-handler';

export interface S3Harness {
  sandbox: Sandbox;
  s3: S3Client;
  events: S3Notification[];
  close(): Promise<void>;
}

export function sdkClient(sandbox: Sandbox, extra: Partial<ConstructorParameters<typeof S3Client>[0]> = {}): S3Client {
  return new S3Client({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...extra,
  });
}

export async function startS3(options: SandboxOptions = {}): Promise<S3Harness> {
  const sandbox = await startSandbox({ port: 0, ...options });
  const s3 = sdkClient(sandbox);
  const events: S3Notification[] = [];
  const unsubscribe = sandbox.context.s3Events.subscribe((e) => events.push(e));
  return {
    sandbox,
    s3,
    events,
    async close() {
      unsubscribe();
      s3.destroy();
      await sandbox.close();
    },
  };
}

/** Notification config that sends everything to one (unvalidated) Lambda ARN. */
export function lambdaEverything(id = 'all', extra = ''): string {
  return (
    `<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CloudFunctionConfiguration><Id>${id}</Id>` +
    `<CloudFunction>${FN_ARN}</CloudFunction><Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:*</Event>${extra}` +
    `</CloudFunctionConfiguration></NotificationConfiguration>`
  );
}

/** Puts a notification configuration over raw HTTP (signed: the sandbox refuses unsigned writes) with destination validation skipped. */
export async function putNotification(sandbox: Sandbox, bucket: string, xml: string): Promise<Response> {
  return fetch(`${sandbox.endpoint}/${bucket}?notification`, {
    method: 'PUT',
    headers: { ...sigV4('s3'), 'x-amz-skip-destination-validation': 'true', 'content-type': 'application/xml' },
    body: xml,
  });
}

let cliHome: string | undefined;

/** Environment for spawned CLIs: fake credentials, no metadata service, no user config. */
export function cliEnv(sandbox: Sandbox): NodeJS.ProcessEnv {
  if (!cliHome) {
    cliHome = mkdtempSync(join(tmpdir(), 's3trigger-s3cli-'));
    const dir = cliHome;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const dir = cliHome;
  const config = join(dir, 'config');
  const creds = join(dir, 'credentials');
  writeFileSync(config, '[default]\n');
  writeFileSync(creds, '[default]\n');
  return {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: sandbox.region,
    AWS_REGION: sandbox.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: creds,
    AWS_PAGER: '',
  };
}
