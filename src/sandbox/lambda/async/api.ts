/**
 * The REST routes of asynchronous invocation config (`/2019-09-25/functions/{name}/event-invoke-config[/list]`) and
 * reserved concurrency (`/2017-10-31/functions/{name}/concurrency`, GetFunctionConcurrency at `/2019-09-30/…`).
 * Answers the request and returns true when it is one of these routes; false leaves it to api.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../../protocol/body.js';
import { readReservedConcurrency, type ConcurrencyStore } from '../concurrency.js';
import { LambdaError, notFound, sendLambdaError } from '../errors.js';
import { parseFunctionRef } from '../function-config.js';
import type { LambdaFunctions } from '../functions.js';
import { readEventInvokeSettings, type EventInvokeConfigStore, type StoredEventInvokeConfig } from './config.js';

/** One of the routes here: the operation and the function reference in the path. */
export interface AsyncRoute {
  op:
    | 'PutFunctionEventInvokeConfig'
    | 'GetFunctionEventInvokeConfig'
    | 'UpdateFunctionEventInvokeConfig'
    | 'DeleteFunctionEventInvokeConfig'
    | 'ListFunctionEventInvokeConfigs'
    | 'PutFunctionConcurrency'
    | 'GetFunctionConcurrency'
    | 'DeleteFunctionConcurrency';
  name: string;
}

const decode = (v: string) => {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};

/** Maps method + path to one of these operations. Pure. */
export function asyncRoute(method: string, pathname: string): AsyncRoute | undefined {
  const m = /^\/(2019-09-25|2017-10-31|2019-09-30)\/functions\/([^/]+)\/(event-invoke-config(?:\/list)?|concurrency)\/?$/.exec(pathname);
  if (!m) return undefined;
  const [, version, raw, sub] = m;
  const name = decode(raw!);
  const key = `${version} ${method} ${sub}`;
  const ops: Record<string, AsyncRoute['op']> = {
    '2019-09-25 PUT event-invoke-config': 'PutFunctionEventInvokeConfig',
    '2019-09-25 GET event-invoke-config': 'GetFunctionEventInvokeConfig',
    '2019-09-25 POST event-invoke-config': 'UpdateFunctionEventInvokeConfig',
    '2019-09-25 DELETE event-invoke-config': 'DeleteFunctionEventInvokeConfig',
    '2019-09-25 GET event-invoke-config/list': 'ListFunctionEventInvokeConfigs',
    '2017-10-31 PUT concurrency': 'PutFunctionConcurrency',
    '2017-10-31 DELETE concurrency': 'DeleteFunctionConcurrency',
    '2019-09-30 GET concurrency': 'GetFunctionConcurrency',
  };
  const op = ops[key];
  return op ? { op, name } : undefined;
}

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new LambdaError('SerializationException', 'Could not parse request body as JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new LambdaError('SerializationException', 'Request body must be a JSON object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = v;
  return out;
}

/** FunctionEventInvokeConfig as Lambda returns it: LastModified in epoch seconds, both destinations always present. */
export function eventInvokeConfigView(functionArn: string, c: StoredEventInvokeConfig): Record<string, unknown> {
  return {
    LastModified: c.lastModifiedMs / 1000,
    FunctionArn: `${functionArn}:$LATEST`,
    ...(c.MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts: c.MaximumRetryAttempts } : {}),
    ...(c.MaximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: c.MaximumEventAgeInSeconds } : {}),
    DestinationConfig: { OnSuccess: c.DestinationConfig?.OnSuccess ?? {}, OnFailure: c.DestinationConfig?.OnFailure ?? {} },
  };
}

export interface AsyncApiDeps {
  functions: LambdaFunctions;
  configs: EventInvokeConfigStore;
  concurrency: ConcurrencyStore;
}

/** Answers one of the routes above (true), or leaves the request untouched (false). */
export async function handleAsyncRequest(deps: AsyncApiDeps, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const r = asyncRoute(req.method ?? 'GET', url.pathname);
  if (!r) return false;
  try {
    const body = await readBody(
      req,
      1024 * 1024,
      () => new LambdaError('RequestEntityTooLargeException', 'Request must be smaller than 1048576 bytes', 413),
    );
    const qualifier = url.searchParams.get('Qualifier') ?? undefined;
    const ref = qualifier !== undefined && r.op.endsWith('EventInvokeConfig') ? `${r.name}:${qualifier}` : r.name;
    const fns = deps.functions;
    const stored = fns.resolve(ref);
    const name = stored?.configuration.FunctionName ?? parseFunctionRef(ref)?.name ?? r.name;
    const arn = fns.arnOf(name);
    const noConfig = () =>
      new LambdaError(
        'ResourceNotFoundException',
        `The function ${arn}:${parseFunctionRef(ref)?.qualifier ?? '$LATEST'} doesn't have an EventInvokeConfig`,
        404,
      );
    if (!stored) {
      if (r.op === 'GetFunctionEventInvokeConfig' || r.op === 'DeleteFunctionEventInvokeConfig') throw noConfig();
      throw notFound(arn);
    }
    switch (r.op) {
      case 'PutFunctionEventInvokeConfig':
      case 'UpdateFunctionEventInvokeConfig': {
        const current = deps.configs.get(name);
        if (r.op === 'UpdateFunctionEventInvokeConfig' && !current) throw noConfig();
        const settings = readEventInvokeSettings(parseBody(body), name);
        if (settings instanceof LambdaError) throw settings;
        const base = r.op === 'UpdateFunctionEventInvokeConfig' ? current : undefined;
        const next: StoredEventInvokeConfig = { ...base, ...settings, lastModifiedMs: Date.now() };
        deps.configs.put(name, next);
        sendJson(res, 200, eventInvokeConfigView(arn, next));
        return true;
      }
      case 'GetFunctionEventInvokeConfig': {
        const current = deps.configs.get(name);
        if (!current) throw noConfig();
        sendJson(res, 200, eventInvokeConfigView(arn, current));
        return true;
      }
      case 'DeleteFunctionEventInvokeConfig':
        if (!deps.configs.get(name)) throw noConfig();
        deps.configs.delete(name);
        res.writeHead(204).end();
        return true;
      case 'ListFunctionEventInvokeConfigs': {
        const current = deps.configs.get(name);
        sendJson(res, 200, { FunctionEventInvokeConfigs: current ? [eventInvokeConfigView(arn, current)] : [] });
        return true;
      }
      case 'PutFunctionConcurrency': {
        let others = 0;
        let marker: string | undefined;
        do {
          const page = fns.list(marker);
          for (const f of page.Functions ?? []) if (f.FunctionName !== name) others += deps.concurrency.get(f.FunctionName!) ?? 0;
          marker = page.NextMarker;
        } while (marker);
        const value = readReservedConcurrency(parseBody(body), others);
        if (value instanceof LambdaError) throw value;
        deps.concurrency.put(name, value);
        sendJson(res, 200, { ReservedConcurrentExecutions: value });
        return true;
      }
      case 'GetFunctionConcurrency': {
        const value = deps.concurrency.get(name);
        sendJson(res, 200, value === undefined ? {} : { ReservedConcurrentExecutions: value });
        return true;
      }
      case 'DeleteFunctionConcurrency':
        deps.concurrency.delete(name);
        res.writeHead(204).end();
        return true;
    }
  } catch (err) {
    if (err instanceof LambdaError) {
      sendLambdaError(res, err);
      return true;
    }
    throw err;
  }
  return false;
}
