/** Shared test fixtures: a Lambda service on a recording LogsSink, zips of small handlers. */
import { absentServices } from '../../../src/sandbox/absent-services.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus } from '../../../src/sandbox/bus.js';
import type { LogsSink, S3Notification, SandboxContext } from '../../../src/sandbox/context.js';
import { createLambdaService, type LambdaService, type LambdaServiceOptions } from '../../../src/sandbox/lambda/index.js';
import { zipPackage } from '../../../src/sandbox/lambda/zip.js';
import { createTiming, type TimingOptions } from '../../../src/sandbox/timing/profile.js';

export interface RecordedEvent {
  group: string;
  stream: string;
  timestamp: number;
  message: string;
}

export class RecordingSink implements LogsSink {
  readonly events: RecordedEvent[] = [];
  private waiters: (() => void)[] = [];

  append(group: string, stream: string, events: { timestamp: number; message: string }[]): void {
    for (const e of events) this.events.push({ group, stream, ...e });
    for (const w of this.waiters.splice(0)) w();
  }

  messages(group?: string): string[] {
    return this.events.filter((e) => !group || e.group === group).map((e) => e.message);
  }

  /** Resolves once `predicate` holds over the recorded events (polled on every append). */
  async until(predicate: (events: RecordedEvent[]) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (Date.now() > deadline) throw new Error(`condition not met; log so far:\n${this.messages().join('')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

export interface Harness {
  service: LambdaService;
  sink: RecordingSink;
  ctx: SandboxContext;
  sandboxLog: string[];
  close(): Promise<void>;
}

export async function lambdaHarness(options: LambdaServiceOptions = {}, timing?: TimingOptions): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 's3trigger-lambda-test-'));
  const sink = new RecordingSink();
  const sandboxLog: string[] = [];
  const ctx: SandboxContext = {
    region: 'eu-west-1',
    accountId: '000000000000',
    dataDir,
    ephemeral: true,
    log: (line) => sandboxLog.push(line),
    timing: createTiming(timing),
    s3Events: new Bus<S3Notification>(),
    logs: sink,
    ...absentServices(),
    strict: false,
  };
  const service = await createLambdaService(ctx, { retryDelaysMs: [10, 10], ...options });
  ctx.functions = service.registry;
  return {
    service,
    sink,
    ctx,
    sandboxLog,
    async close() {
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function zipBase64(files: Record<string, string>): string {
  return Buffer.from(zipPackage(files)).toString('base64');
}

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

export function createFn(h: Harness, name: string, runtime: string, handler: string, files: Record<string, string>, extra: object = {}) {
  return h.service.functions.create({
    FunctionName: name,
    Runtime: runtime as never,
    Handler: handler,
    Role: ROLE,
    Code: { ZipFile: zipBase64(files) },
    ...extra,
  });
}

/** The blog's python handler, verbatim in behaviour (prints the 'S3 Event Detected' block). */
export const BLOG_HANDLER = `import datetime

def handler(event, context):
    for record in event.get('Records', []):
        event_name   = record.get('eventName',   'UnknownEvent' )
        event_time   = record.get('eventTime',   'UnknownTime'  )
        s3_data   = record.get('s3', {})
        bucket    = s3_data.get('bucket', {}).get('name', 'UnknownBucket')
        key       = s3_data.get('object', {}).get('key', 'UnknownKey')
        size      = s3_data.get('object', {}).get('size', 0)
        etag      = s3_data.get('object', {}).get('eTag', '')
        operation = event_name.split(':')[-1]
        current_timestamp = datetime.datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
        print(f"""
{current_timestamp} S3 Event Detected
{current_timestamp} -------------------------------
{current_timestamp} Event Type: {event_name} ({operation})
{current_timestamp} Timestamp:  {event_time}
{current_timestamp} Bucket:     {bucket}
{current_timestamp} Object:     {key}
{current_timestamp} Size:       {size} bytes
{current_timestamp} ETag:       {etag}
{current_timestamp} -------------------------------
        """)
    return {"statusCode": 200, "body": f"Processed {len(event.get('Records', []))} events"}
`;

/** What an SDK call rejected with: error name, HTTP status and message; throws when it did not reject. */
export { errorOf } from '../../sdk-errors.js';
