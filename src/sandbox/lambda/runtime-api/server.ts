/**
 * The Lambda Runtime API (version 2018-06-01) of one execution environment: HTTP on 127.0.0.1 at a random
 * port, unsigned as on AWS, behind the sandbox's Host/Origin guard (guard.ts). Routes, status codes and error
 * bodies as AWS's runtime interface documents them ("Using the Lambda runtime API for custom runtimes"):
 *  - GET  /2018-06-01/runtime/invocation/next            long poll; 200 with the event and Lambda-Runtime-* headers
 *  - POST /2018-06-01/runtime/invocation/{id}/response   202 {"status":"OK"}; 400 InvalidRequestID; 413 over 6 MB
 *  - POST /2018-06-01/runtime/invocation/{id}/error      202; the invoke fails with FunctionError Unhandled
 *  - POST /2018-06-01/runtime/init/error                 202; the environment's init fails
 * A request out of turn (a response before any `next`, `init/error` after init) is 403 InvalidStateTransition.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { guardRequest } from '../../guard.js';
import type { HandlerError } from '../log-format.js';

export const API_VERSION = '2018-06-01';
/** Largest invocation response the runtime may post (6 MB plus AWS's 100 bytes of slack): 6291556 bytes. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;
/** Largest error or init-error body read; AWS caps these too, the rest is not needed. */
const MAX_ERROR_BYTES = 1024 * 1024;

/** One invocation handed to the runtime on its `next` poll. */
export interface RuntimeInvocation {
  requestId: string;
  payload: string;
  /** Epoch milliseconds of the invocation's timeout. */
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId?: string;
  /** The ClientContext JSON text, as Lambda-Runtime-Client-Context carries it. */
  clientContext?: string;
  /** The Cognito identity JSON text, as Lambda-Runtime-Cognito-Identity carries it. */
  cognitoIdentity?: string;
}

/** What the runtime said about an invocation or its init. */
export interface RuntimeApiEvents {
  /** The first `next` poll: init is over. */
  ready(): void;
  initError(error: HandlerError, body: string): void;
  /** Resolves when the runtime may be answered (its output so far is taken): the 202 waits for it. */
  response(requestId: string, body: string): Promise<void>;
  /** `{id}/error`; `body` is what the invoke returns (the runtime's JSON, or one built from the header). */
  invocationError(requestId: string, error: HandlerError, body: string): Promise<void>;
  /** A response over MAX_RESPONSE_BYTES: the invoke fails with Function.ResponseSizeTooLarge. */
  responseTooLarge(requestId: string, error: HandlerError, body: string): void;
}

/**
 * A new X-Ray trace header as Lambda-Runtime-Trace-Id carries it: `Root=1-<epoch seconds, 8 hex>-<24 hex>;
 * Parent=<16 hex>;Sampled=0` (X-Ray developer guide, "Tracing header").
 */
export function newTraceId(now: number = Date.now()): string {
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${seconds}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

type State =
  | { name: 'RuntimeStarted' }
  | { name: 'RuntimeInitError' }
  | { name: 'RuntimeReady' }
  | { name: 'RuntimeRunning'; requestId: string }
  | { name: 'RuntimeResponseSent'; requestId: string };

const ACCESS = { anonymous: 'anyone', crossOrigin: 'never' } as const;
const POLICY = { allowHosts: [] as string[] };

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const errorBody = (errorType: string, errorMessage: string) => ({ errorMessage, errorType });

/** Reads the body up to `limit` bytes; beyond it the rest is drained and `tooLarge` is set. */
function readBody(req: IncomingMessage, limit: number): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', reject);
  });
}

/** The runtime's error JSON read as AWS reads it: errorType from the header first, then the body. */
export function parseRuntimeError(headerType: string | undefined, body: string): { error: HandlerError; payload: string } {
  let parsed: { errorType?: unknown; errorMessage?: unknown; stackTrace?: unknown } | undefined;
  try {
    const value = JSON.parse(body) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) parsed = value as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const errorType = headerType || (typeof parsed?.errorType === 'string' ? parsed.errorType : '') || 'Runtime.Unknown';
  const errorMessage = typeof parsed?.errorMessage === 'string' ? parsed.errorMessage : parsed ? '' : body;
  const trace = Array.isArray(parsed?.stackTrace) ? parsed.stackTrace.map(String) : [];
  const payload = parsed ? body : JSON.stringify({ errorMessage, errorType });
  return { error: { errorType, errorMessage, trace }, payload };
}

export class RuntimeApiServer {
  private readonly server: Server;
  private state: State = { name: 'RuntimeStarted' };
  private pendingNext?: ServerResponse;
  private queued?: RuntimeInvocation;
  private port = 0;

  constructor(private readonly events: RuntimeApiEvents) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) sendJson(res, 500, errorBody('InternalServerError', 'Internal Server Error'));
        else res.destroy();
      });
    });
    // `next` is a long poll that lasts as long as the environment is idle: no request timeout (Node's is 5 minutes).
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 60_000;
  }

  /** Listens on 127.0.0.1 at a port the OS picks; resolves with `127.0.0.1:PORT` for AWS_LAMBDA_RUNTIME_API. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.address;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Hands an invocation to the runtime: answers its pending `next`, or the next one it makes. */
  invoke(invocation: RuntimeInvocation): void {
    this.queued = invocation;
    this.deliver();
  }

  close(): void {
    this.pendingNext?.destroy();
    this.pendingNext = undefined;
    this.server.close();
    this.server.closeAllConnections();
  }

  private deliver(): void {
    const res = this.pendingNext;
    const inv = this.queued;
    if (!res || !inv) return;
    this.pendingNext = undefined;
    this.queued = undefined;
    this.state = { name: 'RuntimeRunning', requestId: inv.requestId };
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': inv.requestId,
      'Lambda-Runtime-Deadline-Ms': String(inv.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': inv.invokedFunctionArn,
      'Content-Length': Buffer.byteLength(inv.payload),
    };
    if (inv.traceId) headers['Lambda-Runtime-Trace-Id'] = inv.traceId;
    if (inv.clientContext) headers['Lambda-Runtime-Client-Context'] = inv.clientContext;
    if (inv.cognitoIdentity) headers['Lambda-Runtime-Cognito-Identity'] = inv.cognitoIdentity;
    res.writeHead(200, headers);
    res.end(inv.payload);
  }

  private refuseTransition(res: ServerResponse, to: string): void {
    sendJson(
      res,
      403,
      errorBody(
        'InvalidStateTransition',
        `State transition from ${this.state.name} to ${to} failed for runtime. Error: State transition is not allowed`,
      ),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = guardRequest(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, remoteAddress: req.socket.remoteAddress },
      ACCESS,
      POLICY,
    );
    if (!verdict.ok) {
      req.resume();
      sendJson(res, 403, errorBody(verdict.refusal, verdict.message));
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const prefix = `/${API_VERSION}/runtime/`;
    const route = path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
    const invocation = route === undefined ? undefined : /^invocation\/([^/]+)\/(response|error)$/.exec(route);
    if (route === 'invocation/next' && req.method === 'GET') return this.next(req, res);
    if (route === 'init/error' && req.method === 'POST') return this.initError(req, res);
    if (invocation && req.method === 'POST') {
      const requestId = decodeURIComponent(invocation[1]!);
      return invocation[2] === 'response' ? this.response(req, res, requestId) : this.invocationError(req, res, requestId);
    }
    req.resume();
    const known = route === 'invocation/next' || route === 'init/error' || invocation;
    res.writeHead(known ? 405 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(known ? '' : '404 page not found\n');
  }

  private next(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    if (this.state.name === 'RuntimeRunning' || this.state.name === 'RuntimeInitError' || this.pendingNext) {
      this.refuseTransition(res, 'RuntimeReady');
      return;
    }
    const first = this.state.name === 'RuntimeStarted';
    this.state = { name: 'RuntimeReady' };
    this.pendingNext = res;
    res.on('close', () => {
      if (this.pendingNext === res) this.pendingNext = undefined;
    });
    if (first) this.events.ready();
    this.deliver();
  }

  /** The request id a response or error names must be the invocation in flight (400 InvalidRequestID). */
  private checkInvocation(res: ServerResponse, requestId: string, to: string): boolean {
    const s = this.state;
    if (s.name === 'RuntimeStarted' || s.name === 'RuntimeInitError') {
      this.refuseTransition(res, to);
      return false;
    }
    if (
      (s.name !== 'RuntimeRunning' && s.name !== 'RuntimeResponseSent') ||
      s.requestId !== requestId ||
      s.name === 'RuntimeResponseSent'
    ) {
      sendJson(res, 400, errorBody('InvalidRequestID', 'Invalid request ID'));
      return false;
    }
    return true;
  }

  private async response(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const body = await readBody(req, MAX_RESPONSE_BYTES);
    if (!this.checkInvocation(res, requestId, 'RuntimeInvocationResponse')) return;
    this.state = { name: 'RuntimeResponseSent', requestId };
    if (body.tooLarge) {
      const message = `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`;
      const error = { errorType: 'Function.ResponseSizeTooLarge', errorMessage: message, trace: [] };
      sendJson(res, 413, errorBody('RequestEntityTooLarge', `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`));
      this.events.responseTooLarge(requestId, error, JSON.stringify(errorBody(error.errorType, message)));
      return;
    }
    await this.events.response(requestId, body.text);
    sendJson(res, 202, { status: 'OK' });
  }

  private async invocationError(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const body = await readBody(req, MAX_ERROR_BYTES);
    if (!this.checkInvocation(res, requestId, 'RuntimeInvocationErrorResponse')) return;
    this.state = { name: 'RuntimeResponseSent', requestId };
    const { error, payload } = parseRuntimeError(headerValue(req, 'lambda-runtime-function-error-type'), body.text);
    await this.events.invocationError(requestId, error, payload);
    sendJson(res, 202, { status: 'OK' });
  }

  private async initError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_ERROR_BYTES);
    if (this.state.name !== 'RuntimeStarted') {
      this.refuseTransition(res, 'RuntimeInitError');
      return;
    }
    this.state = { name: 'RuntimeInitError' };
    const { error, payload } = parseRuntimeError(headerValue(req, 'lambda-runtime-function-error-type'), body.text);
    sendJson(res, 202, { status: 'OK' });
    this.events.initError(error, payload);
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
