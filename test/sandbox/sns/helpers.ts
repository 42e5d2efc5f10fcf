/** Shared SNS test setup: a real sandbox on port 0 and real SDK clients pointed at it. */
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/server.js';

export interface SnsFixture {
  sandbox: Sandbox;
  sns: SNSClient;
  lambda: LambdaClient;
  logs: CloudWatchLogsClient;
  /** The sandbox's own log lines. */
  lines: string[];
  close(): Promise<void>;
}

export async function startSnsFixture(options: SandboxOptions = {}): Promise<SnsFixture> {
  const lines: string[] = [];
  const sandbox = await startSandbox({ port: 0, log: (l) => lines.push(l), ...options });
  const common = {
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
  const sns = new SNSClient(common);
  const lambda = new LambdaClient(common);
  const logs = new CloudWatchLogsClient(common);
  return {
    sandbox,
    sns,
    lambda,
    logs,
    lines,
    async close() {
      sns.destroy();
      lambda.destroy();
      logs.destroy();
      await sandbox.close();
    },
  };
}

/** What an SDK call rejected with: error name, HTTP status and message; throws when it did not reject. */
export { errorOf } from '../../sdk-errors.js';

/** Polls FilterLogEvents on a function's log group until `enough` holds over the messages (30 s at most). */
export async function logMessages(logs: CloudWatchLogsClient, fn: string, enough: (m: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    let messages: string[] = [];
    try {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}` }));
      messages = (out.events ?? []).map((e) => e.message ?? '');
    } catch (err) {
      if ((err as Error).name !== 'ResourceNotFoundException') throw err;
    }
    if (enough(messages)) return messages;
    if (Date.now() > deadline) throw new Error(`log of ${fn} so far:\n${messages.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until `predicate` holds (polled every 20 ms, 10 s at most). */
export async function until(predicate: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
