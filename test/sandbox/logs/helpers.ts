/** Shared setup for the Logs tests: a real sandbox on port 0 and a real SDK client pointed at it. */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/server.js';

export interface LogsFixture {
  sandbox: Sandbox;
  logs: CloudWatchLogsClient;
  close(): Promise<void>;
}

export function logsClient(sandbox: Sandbox): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // StartLiveTail carries a `stream-` host prefix that a custom endpoint cannot resolve.
    disableHostPrefix: true,
    maxAttempts: 1,
  });
}

export async function startLogsFixture(options: SandboxOptions = {}): Promise<LogsFixture> {
  const sandbox = await startSandbox({ port: 0, ...options });
  const logs = logsClient(sandbox);
  return {
    sandbox,
    logs,
    async close() {
      logs.destroy();
      await sandbox.close();
    },
  };
}

/** Env for spawned AWS CLIs / python: fake credentials, no metadata lookups, no user config. */
export function cliEnv(sandbox: Sandbox, emptyFile: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: sandbox.region,
    AWS_REGION: sandbox.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: emptyFile,
    AWS_SHARED_CREDENTIALS_FILE: emptyFile,
    AWS_PAGER: '',
  };
}
