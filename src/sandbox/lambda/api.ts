/** Lambda's REST-JSON wire protocol: routes, bodies, Invoke's headers. */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../protocol/body.js';
import { LambdaError, sendLambdaError } from './errors.js';
import type { EventSourceMappings } from './event-source-mappings/mappings.js';
import type { LambdaFunctions } from './functions.js';
import { handleVersionRoute } from './versions/api.js';
import { splitRunnerKey } from './versions/rules.js';

/** Largest request body read (a 50 MB zip in base64 JSON); Lambda's own limit for direct uploads. */
const MAX_BODY_BYTES = 70_167_211;
const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
const MAX_EVENT_PAYLOAD = 1024 * 1024;

export interface Route {
  op: string;
  name?: string;
  sid?: string;
  /** An alias name (`…/aliases/{alias}`). */
  alias?: string;
  /** An event source mapping's UUID. */
  uuid?: string;
}

const decodeSegment = (v: string) => {
  try {
    return decodeURIComponent(v);
  } catch {
    return v; // malformed %-escapes: no function or mapping has such a name, so the lookup fails cleanly
  }
};

/** The event source mapping operations: `/2015-03-31/event-source-mappings/` and `…/{UUID}`. */
function mappingRoute(method: string, pathname: string): Route | undefined {
  const m = /^\/2015-03-31\/event-source-mappings(?:\/([^/]*))?\/?$/.exec(pathname);
  if (!m) return undefined;
  if (!m[1]) {
    if (method === 'GET') return { op: 'ListEventSourceMappings' };
    if (method === 'POST') return { op: 'CreateEventSourceMapping' };
    return undefined;
  }
  const op = (
    { GET: 'GetEventSourceMapping', PUT: 'UpdateEventSourceMapping', DELETE: 'DeleteEventSourceMapping' } as Record<string, string>
  )[method];
  return op ? { op, uuid: decodeSegment(m[1]) } : undefined;
}

/** Maps method + path to an operation; pure, so the table is tested directly. */
export function route(method: string, pathname: string): Route | undefined {
  const mapping = mappingRoute(method, pathname);
  if (mapping) return mapping;
  const m = /^\/(\d{4}-\d\d-\d\d)\/functions(?:\/([^/]+))?(?:\/([^/]+))?(?:\/([^/]+))?\/?$/.exec(pathname);
  if (!m) return undefined;
  const [, version, rawName, sub, extra] = m;
  const name = rawName === undefined ? undefined : decodeSegment(rawName);
  if (version === '2014-11-13' && sub === 'invoke-async' && method === 'POST') return { op: 'InvokeAsync', name };
  if (version !== '2015-03-31') return undefined;
  if (name === undefined) {
    if (method === 'GET') return { op: 'ListFunctions' };
    if (method === 'POST') return { op: 'CreateFunction' };
    return undefined;
  }
  const key = `${method} ${sub ?? ''}${extra !== undefined ? '/*' : ''}`;
  const ops: Record<string, string> = {
    'GET ': 'GetFunction',
    'DELETE ': 'DeleteFunction',
    'GET configuration': 'GetFunctionConfiguration',
    'PUT configuration': 'UpdateFunctionConfiguration',
    'PUT code': 'UpdateFunctionCode',
    'GET code.zip': 'GetCodeZip',
    'POST invocations': 'Invoke',
    'POST policy': 'AddPermission',
    'GET policy': 'GetPolicy',
    'DELETE policy/*': 'RemovePermission',
    'POST versions': 'PublishVersion',
    'GET versions': 'ListVersionsByFunction',
    'POST aliases': 'CreateAlias',
    'GET aliases': 'ListAliases',
    'GET aliases/*': 'GetAlias',
    'PUT aliases/*': 'UpdateAlias',
    'DELETE aliases/*': 'DeleteAlias',
  };
  const op = ops[key];
  if (!op) return undefined;
  if (extra === undefined) return { op, name };
  return { op, name, ...(sub === 'aliases' ? { alias: decodeSegment(extra) } : { sid: decodeSegment(extra) }) };
}

function parseJson<T>(body: Buffer): T {
  if (body.length === 0) return {} as T;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new LambdaError('SerializationException', 'Could not parse request body as JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new LambdaError('SerializationException', 'Request body must be a JSON object');
  }
  return withoutNulls(value) as T;
}

/** AWS's JSON protocols read a member set to null as a member left out; so do we, at every depth. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

/** ListFunctions' MaxItems: an integer from 1 to 10000 (API_ListFunctions). */
function maxItems(text: string): number {
  const n = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  const rule = Number.isNaN(n)
    ? 'Member must be an integer'
    : n < 1
      ? 'Member must have value greater than or equal to 1'
      : n > 10000
        ? 'Member must have value less than or equal to 10000'
        : undefined;
  if (rule)
    throw new LambdaError(
      'ValidationException',
      `1 validation error detected: Value '${text}' at 'maxItems' failed to satisfy constraint: ${rule}`,
    );
  return n;
}

/**
 * Sent by the sandbox's own hot reload (handler-reload.ts) with UpdateFunctionCode: the replacement environment starts
 * at once (runner.ts retire). A user's UpdateFunctionCode keeps Lambda's behaviour: the next invocation starts it.
 */
export const HOT_RELOAD_HEADER = 'x-s3trigger-hot-reload';

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function handleLambdaRequest(
  fns: LambdaFunctions,
  req: IncomingMessage,
  res: ServerResponse,
  mappings: EventSourceMappings,
): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const r = route(req.method ?? 'GET', url.pathname);
    if (!r) throw new LambdaError('UnknownOperationException', `Unknown operation ${req.method} ${url.pathname}`, 404);
    const op = r.op === 'Invoke' ? 'InvokeFunction' : r.op;
    const body = await readBody(
      req,
      MAX_BODY_BYTES,
      () =>
        new LambdaError(
          'RequestEntityTooLargeException',
          `Request must be smaller than ${MAX_BODY_BYTES} bytes for the ${op} operation`,
          413,
        ),
    );
    if (await handleVersionRoute(fns, r, url, body, res)) return;
    const qualifier = url.searchParams.get('Qualifier') ?? undefined;
    const name = qualifier !== undefined && r.op !== 'Invoke' ? `${r.name ?? ''}:${qualifier}` : (r.name ?? '');
    switch (r.op) {
      case 'CreateFunction':
        return sendJson(res, 201, await fns.create(parseJson(body)));
      case 'ListFunctions': {
        const max = url.searchParams.get('MaxItems') ?? undefined;
        return sendJson(res, 200, fns.list(url.searchParams.get('Marker') ?? undefined, max === undefined ? undefined : maxItems(max)));
      }
      case 'GetFunction':
        return sendJson(res, 200, fns.get(name));
      case 'GetFunctionConfiguration':
        return sendJson(res, 200, fns.configuration(name));
      case 'DeleteFunction':
        fns.delete(name);
        res.writeHead(204).end();
        return;
      case 'UpdateFunctionCode':
        return sendJson(res, 200, await fns.updateCode(name, parseJson(body), { replace: header(req, HOT_RELOAD_HEADER) === '1' }));
      case 'UpdateFunctionConfiguration':
        return sendJson(res, 200, fns.updateConfiguration(name, parseJson(body)));
      case 'AddPermission':
        return sendJson(res, 201, fns.addPermission(name, parseJson(body)));
      case 'GetPolicy':
        return sendJson(res, 200, fns.policy(name));
      case 'RemovePermission':
        fns.removePermission(name, r.sid ?? '');
        res.writeHead(204).end();
        return;
      case 'GetCodeZip': {
        const path = fns.zipPath(name);
        res.writeHead(200, { 'content-type': 'application/zip' });
        createReadStream(path)
          .on('error', () => res.destroy())
          .pipe(res);
        return;
      }
      case 'InvokeAsync': {
        const fn = fns.checkInvoke(name, undefined, body.toString('utf8') || '{}');
        fns.invokeAsync(fn, body.toString('utf8') || '{}');
        return sendJson(res, 202, { Status: 202 });
      }
      case 'Invoke':
        return await invoke(fns, req, res, name, qualifier, body);
    }
    const uuid = r.uuid ?? '';
    switch (r.op) {
      case 'CreateEventSourceMapping':
        return sendJson(res, 202, mappings.create(parseJson(body)));
      case 'GetEventSourceMapping':
        return sendJson(res, 200, mappings.get(uuid));
      case 'UpdateEventSourceMapping':
        return sendJson(res, 202, mappings.update(uuid, parseJson(body)));
      case 'DeleteEventSourceMapping':
        return sendJson(res, 202, mappings.delete(uuid));
      case 'ListEventSourceMappings': {
        const q = (key: string) => url.searchParams.get(key) ?? undefined;
        return sendJson(
          res,
          200,
          mappings.list({
            EventSourceArn: q('EventSourceArn'),
            FunctionName: q('FunctionName'),
            Marker: q('Marker'),
            MaxItems: q('MaxItems'),
          }),
        );
      }
    }
  } catch (err) {
    if (err instanceof LambdaError) return sendLambdaError(res, err);
    throw err;
  }
}

async function invoke(
  fns: LambdaFunctions,
  req: IncomingMessage,
  res: ServerResponse,
  ref: string,
  qualifier: string | undefined,
  body: Buffer,
): Promise<void> {
  const type = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
    throw new LambdaError(
      'ValidationException',
      `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
    );
  }
  const payload = body.length ? body.toString('utf8') : '{}';
  const name = fns.checkInvoke(ref, qualifier, payload);
  const limit = type === 'Event' ? MAX_EVENT_PAYLOAD : MAX_SYNC_PAYLOAD;
  if (body.length > limit) {
    throw new LambdaError('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`, 413);
  }
  const executed = splitRunnerKey(name).version;
  if (type === 'DryRun') {
    res.writeHead(204, { 'X-Amz-Executed-Version': executed }).end();
    return;
  }
  if (type === 'Event') {
    // AWS answers with the invocation's own request id: its START line, destinations and DLQ carry the same one.
    const requestId = fns.invokeAsync(name, payload);
    res.writeHead(202, { 'content-length': 0, 'x-amzn-RequestId': requestId }).end();
    return;
  }
  const clientContext = header(req, 'x-amz-client-context');
  const tail = header(req, 'x-amz-log-type') === 'Tail';
  const outcome = await fns.invoke(
    name,
    payload,
    clientContext ? Buffer.from(clientContext, 'base64').toString('utf8') : undefined,
    undefined,
    tail,
  );
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'X-Amz-Executed-Version': executed,
    'content-length': Buffer.byteLength(outcome.payload),
  };
  if (outcome.status !== 'success') headers['X-Amz-Function-Error'] = 'Unhandled';
  if (tail) headers['X-Amz-Log-Result'] = Buffer.from(outcome.logTail).toString('base64');
  res.writeHead(200, headers);
  res.end(outcome.payload);
}
