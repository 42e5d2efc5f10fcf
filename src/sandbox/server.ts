/**
 * The embedded sandbox: one HTTP server, routed by AWS service to s3/, lambda/ and logs/.
 * Built apart from listen (startSandbox with port 0 in tests).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AppError, ExitCode } from '../errors.js';
import { Bus } from './bus.js';
import { openDataDir } from './data-dir.js';
import { SANDBOX_ACCOUNT, type S3Notification, type SandboxContext, type SandboxService } from './context.js';
import { createS3Service } from './s3/index.js';
import { createLambdaService } from './lambda/index.js';
import { createLogsService } from './logs/index.js';

export const DEFAULT_SANDBOX_PORT = 4566;
export const DEFAULT_SANDBOX_REGION = 'eu-west-1';

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** Persist state here; without it a temp dir is used and removed at close. */
  dataDir?: string;
  region?: string;
  /** Where the sandbox's own log lines go; default: dropped. */
  log?: (line: string) => void;
}

export interface Sandbox {
  endpoint: string;
  region: string;
  port: number;
  context: SandboxContext;
  close(): Promise<void>;
}

export type ServiceName = 's3' | 'lambda' | 'logs';

/** Decide the service from the SigV4 credential scope, then from the request's shape. */
export function serviceFor(req: Pick<IncomingMessage, 'headers' | 'url'>): ServiceName {
  const auth = req.headers.authorization ?? '';
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([a-z0-9-]+)\/aws4_request/.exec(auth);
  if (scope) {
    if (scope[1] === 'logs') return 'logs';
    if (scope[1] === 'lambda') return 'lambda';
    if (scope[1] === 's3') return 's3';
  }
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith('Logs_20140328.')) return 'logs';
  if (/^\/20\d\d-\d\d-\d\d\/(functions|event-source-mappings|tags|account-settings)/.test(req.url ?? '')) return 'lambda';
  return 's3';
}

/** S3 request ids are 16 chars of [0-9A-F], like AWS's. */
function s3RequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
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
    log: options.log ?? (() => {}),
    s3Events: new Bus<S3Notification>(),
    logs: { append: () => {} },
    functions: { exists: () => false },
  };

  const started: SandboxService[] = [];
  const abandon = async () => {
    for (const service of started.reverse()) await service.close().catch(() => {});
    await data.release();
  };
  let services: Record<ServiceName, SandboxService>;
  try {
    // Order matters: Lambda writes to Logs, S3 validates against Lambda.
    const logs = await createLogsService(context);
    started.push(logs);
    context.logs = logs.sink;
    const lambda = await createLambdaService(context);
    started.push(lambda);
    context.functions = lambda.registry;
    const s3 = await createS3Service(context);
    started.push(s3);
    services = { s3, lambda, logs };
  } catch (err) {
    await abandon();
    throw err;
  }

  const server: Server = createServer((req, res) => void dispatch(services, req, res, context));
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

async function dispatch(
  services: Record<ServiceName, SandboxService>,
  req: IncomingMessage,
  res: ServerResponse,
  context: SandboxContext,
): Promise<void> {
  const name = serviceFor(req);
  if (name === 's3') res.setHeader('x-amz-request-id', s3RequestId());
  else res.setHeader('x-amzn-RequestId', randomUUID());
  try {
    await services[name].handle(req, res);
  } catch (err) {
    context.log(`${name}: internal error: ${err instanceof Error ? err.message : String(err)}`);
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end();
    } else res.destroy();
  }
}
