/**
 * Create/Get/List/Update/DeleteEventSourceMapping for SQS queues over the store, and one poller per enabled
 * mapping. Each operation returns AWS's EventSourceMappingConfiguration or throws a LambdaError. States as AWS
 * reports them: a Create answers Creating (Disabled when created disabled), an Update Updating / Enabling /
 * Disabling, a Delete Deleting; every later read gives the settled Enabled or Disabled (the change is instant here).
 * `--strict` does not apply: AWS checks the function's execution role (sqs:ReceiveMessage, DeleteMessage,
 * GetQueueAttributes), and the sandbox does not model roles. A deleted function's mappings stay, as on AWS, and
 * their pollers pause until a function of that name exists again.
 */
import { randomUUID } from 'node:crypto';
import type { QueueRegistry } from '../../context.js';
import { invalidParameter } from '../errors.js';
import { parseFunctionRef } from '../function-config.js';
import type { LambdaFunctions } from '../functions.js';
import {
  checkSqsSettings,
  checkVisibilityTimeout,
  duplicateMapping,
  epochSeconds,
  isSqsArn,
  type MappingRequest,
  type MappingState,
  type MappingView,
  mappingNotFound,
  mappingView,
  readMappingRequest,
  type StoredMapping,
  validationError,
} from './config.js';
import { DEFAULT_POLLER_TIMING, type PollerTiming, SqsPoller } from './poller.js';
import type { MappingStore } from './store.js';

export interface MappingsDeps {
  functions: LambdaFunctions;
  /** The invocation's `_X_AMZN_TRACE_ID` for a batch; throws when recursive loop detection stops it (recursion/). */
  traceFor?(name: string, payload: string): string | undefined;
  queues(): QueueRegistry;
  region: string;
  accountId: string;
  log(line: string): void;
  timing?: PollerTiming;
}

/** ListEventSourceMappings' query: filters and paging (MaxItems as text, validated here). */
export interface ListQuery {
  EventSourceArn?: string;
  FunctionName?: string;
  Marker?: string;
  MaxItems?: string;
}

/** Event sources AWS maps that the sandbox has no service for. */
const OTHER_SOURCES = /^arn:aws[a-zA-Z0-9-]*:(kinesis|dynamodb|kafka|mq|rds|docdb|docdb-elastic):/;

/** AWS returns at most 100 mappings per page, whatever MaxItems says. */
const PAGE_LIMIT = 100;

export class EventSourceMappings {
  private readonly pollers = new Map<string, SqsPoller>();
  private readonly stopping = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly store: MappingStore,
    private readonly deps: MappingsDeps,
  ) {}

  /** Resumes the pollers of the stored enabled mappings (at start-up). */
  start(): void {
    for (const m of this.store.list()) if (m.Enabled) this.startPoller(m, true);
  }

  private startPoller(m: StoredMapping, resumed = false): void {
    if (this.closed) return;
    const poller = new SqsPoller(
      m,
      {
        queues: () => this.deps.queues(),
        // `name` or `name:qualifier`: an alias's weights pick the version at each invoke (versions/).
        functionName: (arn) => this.deps.functions.refOf(arn),
        // The batch's trace header (AWSTraceHeader) decides recursive loop detection; a stopped batch throws.
        invoke: (name, payload) => this.deps.functions.invoke(name, payload, undefined, this.deps.traceFor?.(name, payload)),
        log: (line) => this.deps.log(line),
      },
      this.deps.timing ?? DEFAULT_POLLER_TIMING,
      resumed,
    );
    this.pollers.set(m.UUID, poller);
  }

  private stopPoller(uuid: string): void {
    const poller = this.pollers.get(uuid);
    if (!poller) return;
    this.pollers.delete(uuid);
    poller.stop();
    const done: Promise<void> = poller.stopped().finally(() => this.stopping.delete(done));
    this.stopping.add(done);
  }

  private require(uuid: string): StoredMapping {
    const m = this.store.get(uuid);
    if (!m) throw mappingNotFound();
    return m;
  }

  /** The function a FunctionName refers to: its name and the FunctionArn AWS records (qualifier kept). */
  private functionOf(ref: string): { name: string; arn: string; timeout: number } {
    const stored = this.deps.functions.resolve(ref);
    if (!stored) throw invalidParameter('Function does not exist');
    const name = stored.configuration.FunctionName!;
    const qualifier = parseFunctionRef(ref)?.qualifier;
    return {
      name,
      arn: `${this.deps.functions.arnOf(name)}${qualifier ? `:${qualifier}` : ''}`,
      timeout: stored.configuration.Timeout ?? 3,
    };
  }

  private nameOf(functionArn: string): string {
    return parseFunctionRef(functionArn)?.name ?? functionArn;
  }

  private checkDuplicate(queueArn: string, functionName: string, except?: string): void {
    for (const m of this.store.list()) {
      if (m.UUID !== except && m.EventSourceArn === queueArn && this.nameOf(m.FunctionArn) === functionName) {
        throw duplicateMapping(queueArn, functionName, m.UUID);
      }
    }
  }

  private checkQueue(queueArn: string, functionTimeout: number): void {
    const queues = this.deps.queues();
    if (!queues.exists(queueArn)) {
      throw invalidParameter(
        'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.',
      );
    }
    const visibility = queues.visibilityTimeoutOf(queueArn);
    if (visibility !== undefined) checkVisibilityTimeout(visibility, functionTimeout);
  }

  create(body: MappingRequest): MappingView {
    const s = readMappingRequest(body, true);
    const queueArn = s.eventSourceArn!;
    if (!isSqsArn(queueArn)) {
      if (OTHER_SOURCES.test(queueArn)) {
        throw invalidParameter(`The s3trigger sandbox maps SQS queues only; it has no event source ${queueArn}`);
      }
      throw invalidParameter('Unrecognized event source.');
    }
    const fn = this.functionOf(s.functionName!);
    const batchSize = s.batchSize ?? 10;
    const window = s.window ?? 0;
    checkSqsSettings(batchSize, window, queueArn.endsWith('.fifo'));
    this.checkQueue(queueArn, fn.timeout);
    this.checkDuplicate(queueArn, fn.name);
    const uuid = randomUUID();
    const m: StoredMapping = {
      UUID: uuid,
      BatchSize: batchSize,
      MaximumBatchingWindowInSeconds: window,
      EventSourceArn: queueArn,
      FunctionArn: fn.arn,
      LastModified: epochSeconds(new Date()),
      Enabled: s.enabled ?? true,
      FunctionResponseTypes: s.responseTypes ?? [],
      ...(s.scaling ? { ScalingConfig: s.scaling } : {}),
      EventSourceMappingArn: `arn:aws:lambda:${this.deps.region}:${this.deps.accountId}:event-source-mapping:${uuid}`,
    };
    this.store.put(m);
    if (m.Enabled) this.startPoller(m);
    return mappingView(m, m.Enabled ? 'Creating' : 'Disabled');
  }

  get(uuid: string): MappingView {
    return mappingView(this.require(uuid));
  }

  list(query: ListQuery): { EventSourceMappings: MappingView[]; NextMarker?: string } {
    let max = PAGE_LIMIT;
    if (query.MaxItems !== undefined) {
      const n = /^-?\d+$/.test(query.MaxItems) ? Number(query.MaxItems) : Number.NaN;
      if (Number.isNaN(n))
        throw validationError([`Value '${query.MaxItems}' at 'maxItems' failed to satisfy constraint: Member must be an integer`]);
      if (n < 1)
        throw validationError([
          `Value '${n}' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1`,
        ]);
      if (n > 10000)
        throw validationError([
          `Value '${n}' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 10000`,
        ]);
      max = Math.min(n, PAGE_LIMIT);
    }
    let start = 0;
    if (query.Marker !== undefined) {
      if (!/^\d+$/.test(query.Marker)) throw invalidParameter(`Invalid marker: ${query.Marker}`);
      start = Number(query.Marker);
    }
    const wanted = query.FunctionName !== undefined ? parseFunctionRef(query.FunctionName) : undefined;
    const all = this.store.list().filter((m) => {
      if (query.EventSourceArn !== undefined && m.EventSourceArn !== query.EventSourceArn) return false;
      if (query.FunctionName !== undefined) {
        if (!wanted) return false;
        const have = parseFunctionRef(m.FunctionArn);
        if (have?.name !== wanted.name) return false;
        if (wanted.qualifier !== undefined && have.qualifier !== wanted.qualifier) return false;
      }
      return true;
    });
    const page = all.slice(start, start + max).map((m) => mappingView(m));
    return { EventSourceMappings: page, ...(start + max < all.length ? { NextMarker: String(start + max) } : {}) };
  }

  update(uuid: string, body: MappingRequest): MappingView {
    const current = this.require(uuid);
    const s = readMappingRequest(body, false);
    let functionArn = current.FunctionArn;
    if (s.functionName !== undefined) {
      const fn = this.functionOf(s.functionName);
      this.checkDuplicate(current.EventSourceArn, fn.name, uuid);
      if (fn.arn !== current.FunctionArn) this.checkQueue(current.EventSourceArn, fn.timeout);
      functionArn = fn.arn;
    }
    const batchSize = s.batchSize ?? current.BatchSize;
    const window = s.window ?? current.MaximumBatchingWindowInSeconds;
    checkSqsSettings(batchSize, window, current.EventSourceArn.endsWith('.fifo'));
    const enabled = s.enabled ?? current.Enabled;
    const { ScalingConfig: _, ...rest } = current;
    const scaling = s.scaling === undefined ? current.ScalingConfig : (s.scaling ?? undefined);
    const m: StoredMapping = {
      ...rest,
      BatchSize: batchSize,
      MaximumBatchingWindowInSeconds: window,
      FunctionArn: functionArn,
      LastModified: epochSeconds(new Date()),
      Enabled: enabled,
      FunctionResponseTypes: s.responseTypes ?? current.FunctionResponseTypes,
      ...(scaling ? { ScalingConfig: scaling } : {}),
    };
    this.store.put(m);
    this.stopPoller(uuid);
    if (m.Enabled) this.startPoller(m);
    const state: MappingState = enabled === current.Enabled ? 'Updating' : enabled ? 'Enabling' : 'Disabling';
    return mappingView(m, state);
  }

  delete(uuid: string): MappingView {
    const m = this.require(uuid);
    this.store.delete(uuid);
    this.stopPoller(uuid);
    return mappingView(m, 'Deleting');
  }

  /** Stops every poller from taking messages (close, first step). */
  stop(): void {
    this.closed = true;
    for (const uuid of [...this.pollers.keys()]) this.stopPoller(uuid);
  }

  /** Resolves once every stopped poller's batches have settled (close, after the runner killed its environments). */
  async stopped(): Promise<void> {
    while (this.stopping.size) await Promise.all([...this.stopping]);
  }
}
