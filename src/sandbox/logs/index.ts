/**
 * The sandbox's CloudWatch Logs service: JSON 1.1 (`X-Amz-Target: Logs_20140328.<Op>`) over the
 * store in store.ts, StartLiveTail as an event stream, and the LogsSink the Lambda runner writes to.
 */
import { jsonTargetOperation, parseJsonObject } from '../protocol/json.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { readBody, sendJson } from '../protocol/body.js';
import { AppError, ExitCode } from '../../errors.js';
import type { LogsSink, SandboxContext, SandboxService } from '../context.js';
import { errorBody, LogsError, throttled } from './errors.js';
import { ingestionTimeFor } from './ingestion.js';
import { eventOperations } from './log-events.js';
import { groupOperations } from './groups.js';
import type { Input } from './input.js';
import { liveTailPacing, openLiveTailSession, parseLiveTailRequest, type LiveTailSession } from './live-tail.js';
import type { LogsRequestContext, OperationHandler } from './request-context.js';
import { retentionOperations } from './retention.js';
import { DEFAULT_MAX_BYTES, LogEventStore, type AppendBatch } from './store.js';
import { RequestQuota } from '../timing/rate-limit.js';

const TARGET_PREFIX = 'Logs_20140328.';
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const JSON_TYPE = 'application/x-amz-json-1.1';

const operations: Record<string, OperationHandler> = { ...groupOperations, ...eventOperations, ...retentionOperations };

export interface LogsServiceOptions {
  /** The cap on stored events and on the journal, in MiB (`--logs-max-mb`); default 512. */
  maxMb?: number;
}

/** The Logs service over the journal in `dataDir/logs`; throws a usage AppError for a cap that is not a positive number. */
export async function createLogsService(
  ctx: SandboxContext,
  options: LogsServiceOptions = {},
): Promise<SandboxService & { sink: LogsSink }> {
  const { maxMb } = options;
  if (maxMb !== undefined && !(Number.isFinite(maxMb) && maxMb > 0)) {
    throw new AppError('BadLogsMaxMb', `logsMaxMb must be a number of MiB greater than 0, not ${String(maxMb)}`, ExitCode.Usage);
  }
  const maxBytes = maxMb === undefined ? DEFAULT_MAX_BYTES : Math.round(maxMb * 1024 * 1024);
  // A temp-dir sandbox (no --data) is removed at exit and never reloaded: its events live in memory only, as S3's
  // metadata and SQS's queues do there (the cap still bounds them); with --data every change is journaled.
  const store = LogEventStore.open(ctx.ephemeral ? undefined : join(ctx.dataDir, 'logs'), { maxBytes, log: ctx.log });
  const { timing } = ctx;
  const ingestionTime = (group: string, stream: string, now: number) =>
    ingestionTimeFor(timing, store.group(group)?.streams.get(stream), now);
  const opContext: LogsRequestContext = {
    store,
    region: ctx.region,
    accountId: ctx.accountId,
    now: Date.now,
    ingestionTime,
    ingestionDelayed: timing.profile !== 'instant',
  };
  const filterQuota =
    timing.filterLogEventsQuota && new RequestQuota(timing.filterLogEventsQuota.requests, timing.filterLogEventsQuota.windowMs);
  const sessions = new Set<LiveTailSession>();

  // The Lambda runner's lines are stored in one journal write per event-loop turn (a burst's runtimes print a
  // dozen chunks per invocation, each a write and a live tail frame otherwise). Durable before visible: every
  // Logs request first stores what is pending, and live tail pushes only what the journal holds.
  let pending: AppendBatch[] = [];
  let flushQueued = false;
  const flushSink = () => {
    flushQueued = false;
    if (pending.length === 0) return;
    const batches = pending;
    pending = [];
    try {
      const now = Date.now();
      store.appendBatches(batches, now, (stream) => ingestionTimeFor(timing, stream, now));
    } catch (err) {
      // The writer is the Lambda runner: a failing disk must not take an invocation down with it.
      const count = batches.reduce((n, b) => n + b.events.length, 0);
      const groups = [...new Set(batches.map((b) => b.group))].join(', ');
      ctx.log(`logs: could not store ${count} event(s) for ${groups}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const sink: LogsSink = {
    append(group, stream, events) {
      if (events.length === 0) return;
      pending.push({ group, stream, events });
      if (!flushQueued) {
        flushQueued = true;
        setImmediate(flushSink);
      }
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    flushSink();
    try {
      const operation = operationName(req);
      const body = await readBody(
        req,
        MAX_BODY_BYTES,
        () => new LogsError('InvalidParameterException', `The request body exceeds ${MAX_BODY_BYTES} bytes.`, 413),
      );
      const input = parseBody(body.toString('utf8'));
      if (operation === 'StartLiveTail') {
        const request = parseLiveTailRequest(store, input);
        const requestId = String(res.getHeader('x-amzn-RequestId') ?? randomUUID());
        const session = openLiveTailSession(store, request, res, requestId, liveTailPacing(timing), () => sessions.delete(session));
        sessions.add(session);
        return;
      }
      const handler = operations[operation];
      if (!handler) throw new LogsError('UnknownOperationException', `Operation ${operation} is not supported by the sandbox.`);
      // AWS answers a request over the quota before reading it (CloudWatch Logs quotas: FilterLogEvents 5 TPS).
      if (operation === 'FilterLogEvents' && filterQuota && !filterQuota.take()) throw throttled();
      store.expire();
      sendJson(res, 200, handler(opContext, input), JSON_TYPE);
    } catch (err) {
      if (!(err instanceof LogsError)) throw err;
      res.setHeader('x-amzn-ErrorType', err.code);
      sendJson(res, err.status, errorBody(err), JSON_TYPE);
    }
  }

  return {
    sink,
    handle,
    async close() {
      flushSink();
      for (const session of [...sessions]) session.end();
      store.close();
    },
  };
}

function operationName(req: IncomingMessage): string {
  const operation = jsonTargetOperation(req, TARGET_PREFIX);
  if (operation === undefined)
    throw new LogsError('UnknownOperationException', 'Requests must be POST / with X-Amz-Target: Logs_20140328.<Operation>.');
  return operation;
}

function parseBody(body: string): Input {
  const input = parseJsonObject(body);
  if (!input) throw new LogsError('SerializationException', 'The request body is not a valid JSON object.');
  return input as Input;
}
