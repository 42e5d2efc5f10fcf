/**
 * The embedded sandbox: one HTTP server; router.ts routes each request from the service list (services.ts)
 * after the guard (guard.ts) has let it through.
 * Built apart from listen (startSandbox with port 0 in tests).
 */
import { createServer, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import { answerClientError } from './client-error.js';
import { AppError, ExitCode } from '../errors.js';
import { Bus } from './bus.js';
import { openDataDir } from './data-dir.js';
import { SANDBOX_ACCOUNT, type S3Notification, type SandboxContext, type SandboxService, type ServiceDefinition } from './context.js';
import { hostName, isLoopbackName } from './guard.js';
import { absentServices } from './absent-services.js';
import { route } from './router.js';
import { FALLBACK_SERVICE, SERVICES } from './services.js';
import { attachS3Notifications } from './glue/s3-notifications.js';
import { scrubSecretPatterns } from '../aws/secrets.js';
import { createTiming, type TimingOptions } from './timing/profile.js';

export const DEFAULT_SANDBOX_PORT = 4566;
export const DEFAULT_SANDBOX_REGION = 'eu-west-1';

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** Persist state here; without it a temp dir is used and removed at close. */
  dataDir?: string;
  region?: string;
  /** Cap on CloudWatch Logs events kept (memory and journal), in MiB; the oldest go first. Default 512. */
  logsMaxMb?: number;
  /** Where the sandbox's own log lines go (scrubbed of signatures, credentials and tokens); default: dropped. */
  log?: (line: string) => void;
  /** Host names accepted besides loopback ones (`--allow-host`), e.g. a LAN name when bound to 0.0.0.0. */
  allowHosts?: string[];
  /**
   * Also answer to AWS's own endpoint names of the sandbox's services (`s3.<region>.amazonaws.com`,
   * `<bucket>.s3.<region>…`, `logs.`, `stream-logs.`, `lambda.`, `sts.<region>…`, `sts.amazonaws.com`), for the
   * tests' AWS-shaped target behind TLS. Test-only: no CLI flag sets it. Default false (the guard refuses them).
   */
  acceptAwsHostNames?: boolean;
  /** `--strict`: AWS's permission checks along the event chain are enforced (default: accepted, with a log line naming the fix). */
  strict?: boolean;
  /** `--timing`, `--timing-scale`, `--timing-seed`: instant (default) or AWS's delays; see timing/profile.ts. */
  timing?: TimingOptions;
}

/** True for the wildcard addresses (`0.0.0.0`, `::`), which bind every interface. */
export const bindsEveryInterface = (host: string | undefined) => host === '0.0.0.0' || host === '::' || host === '[::]';

/**
 * Host names the guard accepts besides loopback ones: --allow-host names, the --host address when it is
 * not loopback, and for a wildcard bind the wildcard and the addresses of this machine's interfaces (IP
 * literals cannot be rebound by a web page's DNS).
 */
export function allowedHostNames(host: string | undefined, allowHosts: readonly string[] = []): string[] {
  const names = allowHosts.map((h) => hostName(h) ?? h.toLowerCase());
  const bound = host === undefined ? undefined : hostName(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  if (bindsEveryInterface(host)) {
    names.push(bound!); // the endpoint the sandbox reports (and hands to Lambda handlers) names the wildcard itself
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) names.push(a.family === 'IPv6' ? `[${a.address.toLowerCase()}]` : a.address);
    }
  } else if (bound && !isLoopbackName(bound)) names.push(bound);
  return names;
}

export interface Sandbox {
  endpoint: string;
  region: string;
  port: number;
  context: SandboxContext;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  // Locked before any service opens a file in it (Logs opens its journal first).
  const data = await openDataDir(options.dataDir);
  const { dir: dataDir, ephemeral } = data;

  const context: SandboxContext = {
    region: options.region ?? DEFAULT_SANDBOX_REGION,
    accountId: SANDBOX_ACCOUNT,
    dataDir,
    ephemeral,
    ...(options.logsMaxMb !== undefined ? { logsMaxMb: options.logsMaxMb } : {}),
    log: options.log ? (line) => options.log!(scrubSecretPatterns(line)) : () => {},
    timing: createTiming(options.timing),
    s3Events: new Bus<S3Notification>(),
    logs: { append: () => {} },
    ...absentServices(),
    strict: options.strict === true,
  };

  const started: SandboxService[] = [];
  let detachGlue = () => {};
  const abandon = async () => {
    detachGlue();
    for (const service of started.reverse()) await service.close().catch(() => {});
    await data.release();
  };
  const running = new Map<ServiceDefinition, SandboxService>();
  try {
    for (const definition of SERVICES) {
      const service = await definition.start(context);
      started.push(service);
      running.set(definition, service);
    }
    detachGlue = attachS3Notifications(context);
  } catch (err) {
    await abandon();
    throw err;
  }
  const routing = {
    services: SERVICES,
    fallback: FALLBACK_SERVICE,
    running,
    policy: { allowHosts: allowedHostNames(options.host, options.allowHosts), awsHostNames: options.acceptAwsHostNames === true },
    log: context.log,
  };

  const server: Server = createServer((req, res) => void route(routing, req, res));
  // Node answers 417 to an Expect value other than 100-continue; S3 ignores expectations it does not know.
  server.on('checkExpectation', (req, res) => void route(routing, req, res));
  server.on('clientError', answerClientError);
  server.keepAliveTimeout = 65_000;
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const port = options.port ?? DEFAULT_SANDBOX_PORT;
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, options.host ?? '127.0.0.1', () => ok());
    });
  } catch (err) {
    await abandon();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL' || code === 'EAI_AGAIN') {
      throw new AppError('BadHost', `cannot listen on ${options.host}: not an address of this machine (--host)`, ExitCode.Usage);
    }
    if (code === 'EADDRINUSE') {
      throw new AppError('PortInUse', `port ${port} is already in use (another sandbox or LocalStack?): pass --port`, ExitCode.Usage);
    }
    throw err;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  context.endpoint = `http://${host}:${address.port}`;

  let closed: Promise<void> | undefined;
  return {
    endpoint: context.endpoint,
    region: context.region,
    port: address.port,
    context,
    close() {
      closed ??= (async () => {
        await new Promise<void>((ok) => {
          server.close(() => ok());
          for (const s of sockets) s.destroy();
        });
        await abandon();
      })();
      return closed;
    },
  };
}
