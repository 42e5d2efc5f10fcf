/**
 * The sandbox's EventBridge: AWS JSON 1.1 (`X-Amz-Target: AWSEvents.<Op>`, `application/x-amz-json-1.1`) over the
 * store in store.ts (rules and targets persist under `<dataDir>/events/`), and the EventBusRegistry the S3 side puts
 * its events on. Schedules (ScheduleExpression) are stored and answered, never run.
 */
import { jsonTargetOperation, parseJsonObject } from '../protocol/json.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { EventBusRegistry, SandboxContext, SandboxService } from '../context.js';
import { readBody, sendJson } from '../protocol/body.js';
import { notImplemented } from '../protocol/errors.js';
import { busOperations, defaultBus } from './buses.js';
import { EventRouter } from './delivery.js';
import { EventsError } from './errors.js';
import type { Input } from './input.js';
import type { EventsContext, OperationHandler } from './operation.js';
import { busEvent, detailObject, eventOperations } from './put-events.js';
import { ruleOperations } from './rules.js';
import { EventsStore } from './store.js';
import { tagOperations } from './tags.js';
import { targetOperations } from './targets.js';

const TARGET_PREFIX = 'AWSEvents.';
const JSON_TYPE = 'application/x-amz-json-1.1';
/** PutEvents carries at most 256 KiB of entries; the JSON around them stays well under this. */
const MAX_BODY_BYTES = 1024 * 1024;

const operations: Record<string, OperationHandler> = {
  ...ruleOperations,
  ...targetOperations,
  ...eventOperations,
  ...busOperations,
  ...tagOperations,
};

export interface EventsService extends SandboxService {
  registry: EventBusRegistry;
  /** For tests: the routing of events to targets. */
  router: EventRouter;
}

/** The EventBridge service over `<dataDir>/events/`. */
export function createEventsService(ctx: SandboxContext): EventsService {
  const now = Date.now;
  const store = new EventsStore(join(ctx.dataDir, 'events'), () => defaultBus({ ...ctx, now }), ctx.log);
  const router = new EventRouter(ctx, store);
  const c: EventsContext = {
    store,
    region: ctx.region,
    accountId: ctx.accountId,
    log: ctx.log,
    now,
    publish: (event, bus) => router.publish(event, bus),
    noteTarget: (rule, target) => router.noteTarget(rule, target),
  };

  const registry: EventBusRegistry = {
    put(entry) {
      const event = busEvent(
        {
          source: entry.source,
          detailType: entry.detailType,
          detail: detailObject(entry.detail),
          ...(entry.resources ? { resources: entry.resources } : {}),
          ...(entry.time ? { time: entry.time.getTime() } : {}),
        },
        c,
      );
      router.publish(event, 'default');
      return { eventId: event.id };
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const operation = operationName(req);
      const body = await readBody(req, MAX_BODY_BYTES, () => new EventsError('ValidationException', 'The request body is too large.', 413));
      const handler = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
      if (!handler) {
        const { code, message, status } = notImplemented('events', operation);
        throw new EventsError(code, message, status);
      }
      sendJson(res, 200, handler(c, parseBody(body.toString('utf8'))), JSON_TYPE);
    } catch (err) {
      if (!(err instanceof EventsError)) throw err;
      res.setHeader('x-amzn-ErrorType', err.code);
      sendJson(res, err.status, { __type: err.code, message: err.message }, JSON_TYPE);
    }
  }

  return {
    registry,
    router,
    handle,
    async close() {
      router.close();
    },
  };
}

function operationName(req: IncomingMessage): string {
  const operation = jsonTargetOperation(req, TARGET_PREFIX);
  if (operation === undefined)
    throw new EventsError('UnknownOperationException', 'Requests must be POST / with X-Amz-Target: AWSEvents.<Operation>.');
  return operation;
}

function parseBody(body: string): Input {
  const input = parseJsonObject(body);
  if (!input) throw new EventsError('SerializationException', 'The request body is not a valid JSON object.');
  return input as Input;
}
