/**
 * The target's SDK clients: the embedded sandbox, an endpoint, or AWS through the credential chain, as
 * target-decision.ts decided from the flags and the environment (pure, never waiting on the network).
 */
import { decideTarget, FAKE_CREDENTIALS, loadTargetEnvironment, ON_AWS, type TargetDecision, type TargetFlags } from './target-decision.js';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { S3Client } from './aws/clients-s3.js';
import type { CloudWatchLogsClient, CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import { AppError, ExitCode, usageError } from './errors.js';
import type { TargetInfo } from './events.js';
import type { Sandbox } from './sandbox/server.js';
import type { HandlerReloads } from './sandbox/handler-reload.js';
import { describeError, scrubCredentialsOf } from './ops/errors.js';
import type { ChainClientConfig } from './observe/chain-read.js';

export interface Target {
  info: TargetInfo;
  isRealAws: boolean;
  s3: S3Client;
  /** Config to build a sibling S3 client (e.g. one per multipart upload). */
  s3Config: S3ClientConfig;
  /** Built on first use so runs that never tail never load the Logs SDK. */
  logs(): Promise<CloudWatchLogsClient>;
  /** Where discovery reads SNS, Lambda (event source mappings) and EventBridge: the S3 side's endpoint and credentials. */
  chainClients: ChainClientConfig;
  sandbox?: Sandbox;
  /** `--handler` on the embedded sandbox: the hot reload's notices (sandbox/handler-reload.ts). */
  handlerReloads?: HandlerReloads;
  close(): Promise<void>;
}

export interface ResolveOptions extends TargetFlags {
  /** Bucket the sandbox's demo function gets wired to (default test-bucket). */
  bucket?: string;
  env?: Record<string, string | undefined>;
  /** STS GetCallerIdentity timeout on real AWS. */
  stsTimeoutMs?: number;
}

export function describeTarget(
  decision: Exclude<TargetDecision, { kind: 'invalid' }>,
  extra: { endpoint?: string; account?: string },
): TargetInfo {
  switch (decision.kind) {
    case 'sandbox':
      return {
        kind: 'sandbox',
        region: decision.region,
        account: extra.account,
        endpoint: extra.endpoint,
        ...(extra.endpoint ? { logsEndpoint: extra.endpoint } : {}),
        label: `local sandbox ${extra.endpoint ?? ''} (region ${decision.region})`.replace('  ', ' '),
        ...(decision.note ? { note: decision.note } : {}),
      };
    case 'endpoint': {
      const logs = decision.logsEndpoint ?? 'on AWS';
      const endpoints = decision.s3Endpoint === decision.logsEndpoint ? decision.s3Endpoint : `${decision.s3Endpoint} (logs ${logs})`;
      return {
        kind: 'endpoint',
        region: decision.region,
        endpoint: decision.s3Endpoint,
        ...(decision.logsEndpoint ? { logsEndpoint: decision.logsEndpoint } : {}),
        ...(decision.profile ? { profile: decision.profile } : {}),
        label: `endpoint ${endpoints} (region ${decision.region})`,
      };
    }
    case 'aws': {
      const details = [`region ${decision.region}`, ...(decision.profile ? [`profile ${decision.profile}`] : [])].join(', ');
      return {
        kind: 'aws',
        region: decision.region,
        account: extra.account,
        ...(decision.profile ? { profile: decision.profile } : {}),
        ...(decision.logsEndpoint ? { logsEndpoint: decision.logsEndpoint } : {}),
        label: `AWS account ${extra.account ?? '(unknown)'} (${details})${decision.logsEndpoint ? ` (logs ${decision.logsEndpoint})` : ''}`,
      };
    }
  }
}

interface LazyLogs {
  (): Promise<CloudWatchLogsClient>;
  destroy(): Promise<void>;
}

function lazyLogs(config: CloudWatchLogsClientConfig): LazyLogs {
  let client: Promise<CloudWatchLogsClient> | undefined;
  const get = () =>
    (client ??= import('@aws-sdk/client-cloudwatch-logs').then((m) => {
      const logs = new m.CloudWatchLogsClient(config);
      scrubCredentialsOf(logs);
      return logs;
    }));
  return Object.assign(get, {
    async destroy() {
      if (client) (await client).destroy();
    },
  });
}

const LOGS_ON_AWS_WITHOUT_CREDENTIALS =
  'only S3 has an endpoint, so CloudWatch Logs is on AWS, and no AWS credentials were found: ' +
  'set AWS_ENDPOINT_URL_CLOUDWATCH_LOGS (or AWS_ENDPOINT_URL) too, or configure credentials';

/** A Logs client that cannot exist: every use says why, once per call, as a usage error. */
function unavailableLogs(why: string): LazyLogs {
  return Object.assign(() => Promise.reject(new AppError('NoCredentials', why, ExitCode.Usage)), { destroy: async () => {} });
}

async function startEmbeddedSandbox(decision: { region: string; note?: string }, options: ResolveOptions): Promise<Target> {
  const { startSandbox } = await import('./sandbox/server.js');
  const { setupDemo } = await import('./sandbox/demo.js');
  const sandbox = await startSandbox({
    port: 0,
    region: decision.region,
    ...(options.timing ? { timing: options.timing } : {}),
    ...(options.strict ? { strict: true } : {}),
  });
  let setup: Awaited<ReturnType<typeof setupDemo>>;
  try {
    setup = await setupDemo(sandbox, {
      bucket: options.bucket ?? 'test-bucket',
      ...(options.handler ? { handler: options.handler } : {}),
      ...(options.via ? { via: options.via } : {}),
    });
  } catch (err) {
    await sandbox.close();
    if (err instanceof AppError) throw err;
    throw new AppError('SandboxSetup', `cannot set up the local sandbox: ${describeError(err)}`, ExitCode.Usage, { cause: err });
  }
  const s3Config: S3ClientConfig = {
    region: sandbox.region,
    endpoint: sandbox.endpoint,
    forcePathStyle: true,
    credentials: FAKE_CREDENTIALS,
  };
  const s3 = new S3Client(s3Config);
  const logs = lazyLogs({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: FAKE_CREDENTIALS, disableHostPrefix: true });
  const handlerReloads = options.handler
    ? (await import('./sandbox/handler-reload.js')).startHandlerReload(
        sandbox,
        options.handler,
        (setup.functions ?? [setup]).map((f) => f.functionName),
      )
    : undefined;
  return {
    info: describeTarget(
      { kind: 'sandbox', region: sandbox.region, ...(decision.note ? { note: decision.note } : {}) },
      {
        endpoint: sandbox.endpoint,
        account: sandbox.context.accountId,
      },
    ),
    isRealAws: false,
    s3,
    s3Config,
    logs,
    chainClients: { region: sandbox.region, endpoint: sandbox.endpoint, credentials: FAKE_CREDENTIALS },
    sandbox,
    ...(handlerReloads ? { handlerReloads } : {}),
    async close() {
      handlerReloads?.close();
      s3.destroy();
      await logs.destroy();
      await sandbox.close();
    },
  };
}

async function accountOf(
  decision: { region: string; profile?: string; stsEndpoint?: string },
  timeoutMs: number,
): Promise<string | undefined> {
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({
    region: decision.region,
    ...(decision.profile ? { profile: decision.profile } : {}),
    ...(decision.stsEndpoint ? { endpoint: decision.stsEndpoint } : {}),
    maxAttempts: 1,
    ...ON_AWS,
  });
  scrubCredentialsOf(sts);
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return out.Account;
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    if (name === 'CredentialsProviderError' || name === 'ProviderError') {
      throw new AppError(
        'NoCredentials',
        'AWS credentials could not be loaded: configure them (aws configure / aws sso login), or use --local for the sandbox',
        ExitCode.Usage,
        { cause: err },
      );
    }
    if (/ExpiredToken|RequestExpired|TokenRefreshRequired/.test(name)) {
      throw new AppError(
        'ExpiredToken',
        'the AWS session token has expired (ExpiredToken): refresh your credentials, or use --local for the sandbox',
        ExitCode.Usage,
        { cause: err },
      );
    }
    if (/InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClient/.test(name)) {
      throw new AppError(name, `AWS rejected the credentials (${name}): check them, or use --local for the sandbox`, ExitCode.Usage, {
        cause: err,
      });
    }
    return undefined; // offline or slow STS: the label just lacks the account
  } finally {
    sts.destroy();
  }
}

/** Decides the target and builds its clients; starts the embedded sandbox when that is the target. */
export async function resolveTarget(options: ResolveOptions): Promise<Target> {
  const environment = await loadTargetEnvironment(options.env);
  const decision = decideTarget(options, environment);
  switch (decision.kind) {
    case 'invalid':
      throw decision.code === 'Usage' ? usageError(decision.message) : new AppError(decision.code, decision.message, ExitCode.Usage);
    case 'sandbox':
      return startEmbeddedSandbox(decision, options);
    case 'endpoint': {
      const credentials = decision.fakeCredentials
        ? { credentials: FAKE_CREDENTIALS }
        : decision.profile
          ? { profile: decision.profile }
          : {};
      const s3Config: S3ClientConfig = { region: decision.region, endpoint: decision.s3Endpoint, forcePathStyle: true, ...credentials };
      const s3 = new S3Client(s3Config);
      scrubCredentialsOf(s3);
      // Logs on AWS (a mixed target) keep the SDK's own credentials and the host prefix AWS needs for live tail.
      const logs = decision.logsEndpoint
        ? lazyLogs({ region: decision.region, endpoint: decision.logsEndpoint, disableHostPrefix: true, ...credentials })
        : decision.fakeCredentials
          ? unavailableLogs(LOGS_ON_AWS_WITHOUT_CREDENTIALS)
          : lazyLogs({ region: decision.region, ...(decision.profile ? { profile: decision.profile } : {}), ...ON_AWS });
      return {
        info: describeTarget(decision, {}),
        isRealAws: false,
        s3,
        s3Config,
        logs,
        chainClients: { region: decision.region, endpoint: decision.s3Endpoint, ...credentials },
        async close() {
          s3.destroy();
          await logs.destroy();
        },
      };
    }
    case 'aws': {
      const account = await accountOf(decision, options.stsTimeoutMs ?? 3000);
      const base = { region: decision.region, ...(decision.profile ? { profile: decision.profile } : {}), ...ON_AWS };
      const s3Config: S3ClientConfig = { ...base, followRegionRedirects: true };
      const s3 = new S3Client(s3Config);
      scrubCredentialsOf(s3);
      const logs = lazyLogs(decision.logsEndpoint ? { ...base, endpoint: decision.logsEndpoint, disableHostPrefix: true } : base);
      return {
        info: describeTarget(decision, { account }),
        isRealAws: true,
        s3,
        s3Config,
        logs,
        chainClients: base,
        async close() {
          s3.destroy();
          await logs.destroy();
        },
      };
    }
  }
}
