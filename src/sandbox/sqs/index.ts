/**
 * The sandbox's Amazon SQS: standard queues over both of SQS's wire protocols — AWS JSON 1.0
 * (`X-Amz-Target: AmazonSQS.<Op>`, current SDKs and botocore) and the query protocol (form `Action=<Op>`, posted to
 * `/` or to the queue URL; AWS CLI v2 2.9). Each request is read into the JSON input shape, run by the operation
 * (ops-queues.ts, ops-messages.ts) and answered in the protocol it came in. State lives in engine.ts and is
 * persisted by store.ts under `<dataDir>/sqs/`.
 */
import { parseJsonObject } from '../protocol/json.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { QueueRegistry, SandboxContext, SandboxService } from '../context.js';
import { readBody, sendJson } from '../protocol/body.js';
import { notImplemented, writeProtocolError } from '../protocol/errors.js';
import { QueryProtocolError, readQueryParameters, sendQueryResult } from '../protocol/query.js';
import { SqsEngine } from './engine.js';
import { invalidParameter, SqsError, writeSqsError, type SqsWire } from './errors.js';
import type { Input } from './input.js';
import { MESSAGE_OPERATIONS } from './ops-messages.js';
import { QUEUE_OPERATIONS, type Operation, type OpContext } from './ops-queues.js';
import { queryInput, queryResultXml, SQS_NAMESPACE } from './query-wire.js';
import { createQueueRegistry } from './registry.js';
import { loadSnapshot, SnapshotWriter } from './store.js';

/** A 1 MiB batch in JSON (escapes, base64 binaries) or as a form (percent-encoding) takes up to about three times that. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

const OPERATIONS: Record<string, Operation> = { ...QUEUE_OPERATIONS, ...MESSAGE_OPERATIONS };

/** Operations of SQS's API the sandbox does not have: answered 501 NotImplemented. */
const ABSENT = new Set(['AddPermission', 'RemovePermission', 'StartMessageMoveTask', 'CancelMessageMoveTask', 'ListMessageMoveTasks']);

export interface SqsService extends SandboxService {
  registry: QueueRegistry;
}

/** The request's operation and its input, from either protocol; an error already answered yields undefined. */
async function readRequest(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<{ wire: SqsWire; action: string; input: Input } | undefined> {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const action = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
    const body = await readBody(req, MAX_REQUEST_BYTES, () =>
      invalidParameter(`The request body is larger than ${MAX_REQUEST_BYTES} bytes.`),
    );
    const input = parseJsonObject(body.toString('utf8'));
    if (!input) {
      writeProtocolError(req, res, 'json-1.0', {
        code: 'SerializationException',
        message: 'The request body is not a JSON object.',
        status: 400,
      });
      return undefined;
    }
    return { wire: 'json', action, input: input as Input };
  }
  let params: URLSearchParams;
  try {
    params = await readQueryParameters(req, MAX_REQUEST_BYTES);
  } catch (err) {
    if (!(err instanceof QueryProtocolError)) throw err;
    writeProtocolError(req, res, 'query', { code: err.code, message: err.message, status: err.status });
    return undefined;
  }
  const action = params.get('Action') ?? '';
  const input = queryInput(params);
  // Posted to the queue URL: the path names the queue.
  const path = (req.url ?? '/').split('?')[0]!;
  if (input.QueueUrl === undefined && /^\/\d{12}\/[^/]+$/.test(path)) input.QueueUrl = path;
  return { wire: 'query', action, input };
}

export async function createSqsService(ctx: SandboxContext): Promise<SqsService> {
  const dir = join(ctx.dataDir, 'sqs');
  const writer = ctx.ephemeral ? undefined : new SnapshotWriter(dir, ctx.log);
  const engine = new SqsEngine(ctx.region, ctx.accountId, () => writer?.changed(), ctx.log);
  if (writer) {
    loadSnapshot(dir, engine, ctx.log);
    writer.attach(engine);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let wire: SqsWire = typeof req.headers['x-amz-target'] === 'string' ? 'json' : 'query';
    try {
      const request = await readRequest(req, res);
      if (!request) return;
      wire = request.wire;
      const { action } = request;
      const operation = Object.hasOwn(OPERATIONS, action) ? OPERATIONS[action] : undefined;
      if (!operation) {
        const protocol = wire === 'json' ? 'json-1.0' : 'query';
        if (ABSENT.has(action)) return writeProtocolError(req, res, protocol, notImplemented('sqs', action));
        const message = action
          ? `The action ${action} is not valid for this web service.`
          : 'The request must contain the parameter Action.';
        throw new SqsError('UnknownOperationException', message);
      }
      const aborted = new AbortController();
      res.on('close', () => aborted.abort());
      const trace = req.headers['x-amzn-trace-id'];
      const opContext: OpContext = {
        engine,
        endpoint: ctx.endpoint ?? '',
        senderId: ctx.accountId,
        signal: aborted.signal,
        ...(typeof trace === 'string' && trace ? { traceHeader: trace } : {}),
      };
      const output = await operation(opContext, request.input);
      if (res.destroyed) return;
      if (wire === 'json') sendJson(res, 200, output, 'application/x-amz-json-1.0');
      else sendQueryResult(res, action, SQS_NAMESPACE, queryResultXml(action, output));
    } catch (err) {
      if (!(err instanceof SqsError)) throw err;
      writeSqsError(req, res, wire, err);
    }
  }

  return {
    registry: createQueueRegistry(engine),
    handle,
    async close() {
      engine.close();
      await writer?.flush();
    },
  };
}
