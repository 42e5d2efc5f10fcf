/**
 * The poller of one enabled SQS event source mapping, as Lambda's own: it long-polls the queue (through
 * ctx.queues only), gathers up to BatchSize messages within MaximumBatchingWindowInSeconds, invokes the function
 * synchronously with AWS's SQS event, and deletes what was processed. On a function error or timeout nothing is
 * deleted: the messages reappear after the queue's visibility timeout, and SQS moves them to its dead-letter queue
 * after maxReceiveCount. With ReportBatchItemFailures only the messages the function names stay. AWS: "Using
 * Lambda with Amazon SQS", "Handling errors for an SQS event source in Lambda".
 */
import type { QueueRegistry, ReceivedQueueMessage } from '../../context.js';
import type { InvocationOutcome } from '../spec.js';
import type { StoredMapping } from './config.js';
import { BatchAssembly, readBatchItemFailures, sqsEventPayload } from './sqs-event.js';

/** What a poller needs of the sandbox. */
export interface PollerDeps {
  /** The context's queues, read at each use (SQS may start after Lambda; tests swap in their own). */
  queues(): QueueRegistry;
  /** The name of the function the mapping's FunctionArn refers to, while it exists. */
  functionName(functionArn: string): string | undefined;
  /** A synchronous (RequestResponse) invocation, as Invoke runs it: START/END/REPORT in the function's log group. */
  invoke(name: string, payload: string): Promise<InvocationOutcome>;
  log(line: string): void;
}

export interface PollerTiming {
  /** Longest single wait for a message while the queue is empty (SQS's long-poll maximum: 20 s). */
  idleWaitMs: number;
  /** Back-off while the function or queue is missing: from `minMs`, doubling up to `maxMs`. */
  backoff: { minMs: number; maxMs: number };
  /** A resumed poller stays quiet this long about a missing queue or function (services still starting). */
  startGraceMs: number;
}

export const DEFAULT_POLLER_TIMING: PollerTiming = { idleWaitMs: 20_000, backoff: { minMs: 250, maxMs: 5_000 }, startGraceMs: 1_000 };

/** An empty poll shorter than this did not wait. */
const QUICK_MS = 5;

/** Batches processed at once per mapping without a ScalingConfig (AWS starts SQS mappings with five). */
export const DEFAULT_CONCURRENCY = 5;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class SqsPoller {
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loop: Promise<void>;
  private problem: string | undefined;

  constructor(
    private readonly mapping: StoredMapping,
    private readonly deps: PollerDeps,
    private readonly timing: PollerTiming = DEFAULT_POLLER_TIMING,
    resumed = false,
  ) {
    this.loop = this.run(resumed ? Date.now() + timing.startGraceMs : 0);
  }

  private get label(): string {
    return `lambda: event source mapping ${this.mapping.UUID} (${this.mapping.EventSourceArn} -> ${this.mapping.FunctionArn})`;
  }

  /** Stops taking messages; batches already invoked finish (and delete what they processed). */
  stop(): void {
    this.abort.abort();
  }

  /** Resolves once the loop has ended and every batch in flight has settled (after `stop`). */
  async stopped(): Promise<void> {
    await this.loop;
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** Why the poller cannot poll now (function or queue missing), or undefined. */
  private blocker(): string | undefined {
    if (!this.deps.functionName(this.mapping.FunctionArn)) {
      return `function ${this.mapping.FunctionArn} does not exist; messages stay in the queue`;
    }
    if (!this.deps.queues().exists(this.mapping.EventSourceArn)) return `queue ${this.mapping.EventSourceArn} does not exist`;
    return undefined;
  }

  private async run(quietUntil: number): Promise<void> {
    const signal = this.abort.signal;
    let backoff = this.timing.backoff.minMs;
    let quickEmpty = 0;
    // Let the services started after Lambda (SQS) set their interfaces on the context first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (!signal.aborted) {
      const blocked = this.blocker();
      if (blocked) {
        if (blocked !== this.problem && Date.now() >= quietUntil) {
          this.deps.log(`${this.label}: paused: ${blocked}`);
          this.problem = blocked;
        }
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, this.timing.backoff.maxMs);
        continue;
      }
      if (this.problem) this.deps.log(`${this.label}: resumed`);
      this.problem = undefined;
      backoff = this.timing.backoff.minMs;
      try {
        await this.freeSlot(signal);
        if (signal.aborted) break;
        const started = Date.now();
        const batch = await this.gather(signal);
        if (batch.length) this.dispatch(batch);
        // An empty receive whose wait ended at once, twice running: a registry that wakes without messages.
        quickEmpty = batch.length === 0 && Date.now() - started < QUICK_MS ? quickEmpty + 1 : 0;
        if (quickEmpty >= 2) await sleep(this.timing.backoff.minMs, signal);
      } catch (err) {
        // The queue went away (or SQS closed) between the check and the receive.
        const problem = `receiving failed: ${messageOf(err)}`;
        if (problem !== this.problem) this.deps.log(`${this.label}: ${problem}`);
        this.problem = problem;
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, this.timing.backoff.maxMs);
      }
    }
  }

  private async freeSlot(signal: AbortSignal): Promise<void> {
    const limit = this.mapping.ScalingConfig?.MaximumConcurrency ?? DEFAULT_CONCURRENCY;
    while (this.inFlight.size >= limit && !signal.aborted) await Promise.race(this.inFlight);
  }

  /**
   * One batch: what is visible now (waiting up to idleWaitMs for the first message); with a batching window, more
   * until the window (counted from the first message) ends, BatchSize is reached or the payload would pass 6 MB.
   */
  private async gather(signal: AbortSignal): Promise<ReceivedQueueMessage[]> {
    const arn = this.mapping.EventSourceArn;
    const queues = this.deps.queues();
    const batch = new BatchAssembly(arn, this.mapping.BatchSize);
    const take = (): number => {
      const got = queues.receive(arn, { max: batch.wanted });
      for (const m of got) if (!batch.add(m)) queues.changeVisibility(arn, m.receiptHandle, 0);
      return got.length;
    };
    if (take() === 0) {
      await queues.waitForMessages(arn, this.timing.idleWaitMs, signal);
      return [];
    }
    const deadline = Date.now() + this.mapping.MaximumBatchingWindowInSeconds * 1000;
    while (!batch.full && !signal.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      if (take() === 0) await queues.waitForMessages(arn, left, signal);
    }
    if (signal.aborted) {
      // Disabled, deleted or closing mid-window: hand the messages back at once instead of after the timeout.
      for (const m of batch.messages) this.release(m);
      return [];
    }
    return batch.messages;
  }

  private release(message: ReceivedQueueMessage): void {
    try {
      this.deps.queues().changeVisibility(this.mapping.EventSourceArn, message.receiptHandle, 0);
    } catch {
      /* queue gone or SQS closed: the visibility timeout returns it */
    }
  }

  private dispatch(batch: ReceivedQueueMessage[]): void {
    const run: Promise<void> = this.process(batch)
      .catch((err) => this.deps.log(`${this.label}: batch failed: ${messageOf(err)}`))
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  private async process(batch: ReceivedQueueMessage[]): Promise<void> {
    const { EventSourceArn: arn, FunctionArn } = this.mapping;
    const count = `${batch.length} message(s)`;
    const name = this.deps.functionName(FunctionArn);
    if (!name) {
      this.deps.log(`${this.label}: function deleted; ${count} return to the queue after its visibility timeout`);
      return;
    }
    let outcome: InvocationOutcome;
    try {
      outcome = await this.deps.invoke(name, sqsEventPayload(batch, arn));
    } catch (err) {
      this.deps.log(`${this.label}: invocation failed (${messageOf(err)}); ${count} return after the visibility timeout`);
      return;
    }
    if (outcome.status !== 'success') {
      const why = outcome.status === 'timeout' ? 'timed out' : `failed (${outcome.error?.errorType ?? 'error'})`;
      this.deps.log(`${this.label}: ${name} ${why} on ${count}, request ${outcome.requestId}; they return after the visibility timeout`);
      return;
    }
    let processed = batch;
    if (this.mapping.FunctionResponseTypes.includes('ReportBatchItemFailures')) {
      const result = readBatchItemFailures(outcome.payload, new Set(batch.map((m) => m.messageId)));
      if (result.kind === 'failure') {
        this.deps.log(`${this.label}: request ${outcome.requestId}: ${result.reason}; the whole batch of ${count} counts as failed`);
        return;
      }
      if (result.kind === 'partial') {
        const failed = new Set(result.failed);
        processed = batch.filter((m) => !failed.has(m.messageId));
        this.deps.log(
          `${this.label}: request ${outcome.requestId} reported ${failed.size} of ${count} as failed; they return after the visibility timeout`,
        );
      }
    }
    const queues = this.deps.queues();
    for (const m of processed) {
      let deleted = false;
      try {
        deleted = queues.delete(arn, m.receiptHandle);
      } catch {
        /* reported below */
      }
      if (!deleted) {
        this.deps.log(
          `${this.label}: could not delete message ${m.messageId} after it was processed (queue gone, or the function ran past the visibility timeout); it may be delivered again`,
        );
      }
    }
  }
}
