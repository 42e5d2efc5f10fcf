/** Shared setup for the SQS tests: a real sandbox on port 0 and a real JS SDK client pointed at it. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/server.js';

export interface SqsFixture {
  sandbox: Sandbox;
  sqs: SQSClient;
  close(): Promise<void>;
}

export function sqsClient(sandbox: Sandbox): SQSClient {
  return new SQSClient({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

export async function startSqs(options: SandboxOptions = {}): Promise<SqsFixture> {
  const sandbox = await startSandbox({ port: 0, ...options });
  const sqs = sqsClient(sandbox);
  return {
    sandbox,
    sqs,
    async close() {
      sqs.destroy();
      await sandbox.close();
    },
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { Code?: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { Code?: string };
  }
  throw new Error('expected a rejection');
}
