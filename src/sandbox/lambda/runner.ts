/**
 * Execution environments per function: warm reuse, a new environment for each concurrent invocation,
 * replacement after a timeout or crash, and the asynchronous (Event) queue with Lambda's two retries.
 */
import { randomUUID } from 'node:crypto';
import type { RecordCondition } from './async/record.js';
import { ThrottledError } from './concurrency.js';
import { ExecutionEnvironment } from './environment.js';
import { RuntimeStandby } from './standby.js';
import type { FunctionSpec, InvocationOutcome, RuntimeHost } from './spec.js';

/**
 * What the runner asks of the function's asynchronous settings and reserved concurrency (async/, concurrency.ts).
 * Without them: two retries, no age limit, no reserved concurrency, and a failed event is only logged.
 */
export interface AsyncHooks {
  /** MaximumRetryAttempts (0-2) and MaximumEventAgeInSeconds as a wait already scaled (ms). */
  policy(name: string): { maximumRetryAttempts: number; maximumEventAgeMs: number };
  /** The function's reserved concurrency; undefined when it has none. */
  reserved(name: string): number | undefined;
  /** Wait before the `n`th retry (from 0) of an event held back by the reserved concurrency (ms, scaled). */
  throttleWaitMs(n: number): number;
  /** An event's end: success, retries exhausted, too old, or throttled at reserved concurrency 0. */
  ended(name: string, end: AsyncEnd): void;
}

/** How one asynchronous event ended, as AsyncHooks.ended receives it. */
export interface AsyncEnd {
  requestId: string;
  payload: string;
  condition: RecordCondition;
  /** Times the function ran with it. */
  attempts: number;
  outcome?: InvocationOutcome;
  /** Never run because Lambda stopped it (recursive loop detection): the dead-letter message's ErrorCode and ErrorMessage. */
  stopped?: { errorCode: string; errorMessage: string };
}

export interface RunnerOptions {
  /** Most environments one function may have at once; further invocations wait. */
  maxEnvironments: number;
  /** Delay before the 1st and 2nd retry of a failed asynchronous invocation (AWS: about 1 and 2 minutes). */
  retryDelaysMs: [number, number];
  /** An environment idle this long is shut down, as Lambda reclaims idle environments. */
  idleTimeoutMs: number;
  log(line: string): void;
  async?: AsyncHooks;
}

interface Pool {
  generation: number;
  environments: Set<ExecutionEnvironment>;
  idle: ExecutionEnvironment[];
  waiters: (() => void)[];
  queue: QueuedEvent[];
  pumping: boolean;
  /** Invocations started or starting (sync and async), against the reserved concurrency. */
  active: number;
  /** The pump's wake-up while an event is held back by the reserved concurrency (woken by every release). */
  held: (() => void)[];
  /**
   * The environment started for new code as soon as it was installed (retire with `replace`), not yet claimed: the
   * next invocation takes it instead of starting one, so it does not wait for the whole init.
   */
  spare?: ExecutionEnvironment;
}

interface QueuedEvent {
  requestId: string;
  payload: string;
  /** Runs so far. */
  attempt: number;
  /** When Lambda accepted it (ms), for MaximumEventAgeInSeconds. */
  queuedAt: number;
  /** The last run's outcome, for the record when the event then ages out. */
  last?: InvocationOutcome;
  /** Times it was held back by the reserved concurrency. */
  throttles: number;
  /** `_X_AMZN_TRACE_ID` of its invocation (recursion/), kept across retries. */
  traceId?: string;
}

/** Wait after a replacement environment is ready before starting the standby for the next change (ms). */
export const STANDBY_DELAY_MS = 30;

/** The function was deleted before its invocation could start (Invoke racing DeleteFunction). */
export class FunctionGoneError extends Error {
  override readonly name = 'FunctionGoneError';
  constructor(readonly functionName: string) {
    super(`function ${functionName} does not exist`);
  }
}

export class Runner {
  private readonly pools = new Map<string, Pool>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly idleTimers = new Map<ExecutionEnvironment, NodeJS.Timeout>();
  /** Runtime processes started ahead for replacement environments (hot reload). */
  private readonly standby: RuntimeStandby;
  private closed = false;

  constructor(
    private readonly host: RuntimeHost,
    private readonly specOf: (name: string) => FunctionSpec | undefined,
    private readonly options: RunnerOptions,
  ) {
    this.standby = new RuntimeStandby(options.idleTimeoutMs);
  }

  private pool(name: string): Pool {
    let p = this.pools.get(name);
    if (!p) {
      p = { generation: 0, environments: new Set(), idle: [], waiters: [], queue: [], pumping: false, active: 0, held: [] };
      this.pools.set(name, p);
    }
    return p;
  }

  /** A warm idle environment, a fresh one, or (at the limit) the next one released. */
  private async acquire(name: string): Promise<{ env: ExecutionEnvironment; generation: number }> {
    const pool = this.pool(name);
    for (;;) {
      if (this.closed) throw new Error('sandbox closed');
      const generation = pool.generation;
      const warm = pool.idle.pop();
      if (warm) {
        clearTimeout(this.idleTimers.get(warm));
        this.idleTimers.delete(warm);
        if (warm.usable) return { env: warm, generation };
        this.drop(pool, warm);
        continue;
      }
      const spare = pool.spare;
      if (spare) {
        // Like a fresh environment: its first invocation reports its Init Duration, or its init error.
        pool.spare = undefined;
        clearTimeout(this.idleTimers.get(spare));
        this.idleTimers.delete(spare);
        await spare.ready;
        if (this.closed || pool.generation !== generation) {
          this.drop(pool, spare);
          continue;
        }
        return { env: spare, generation };
      }
      // Never more environments than the reserved concurrency (at least one: a throttled invoke never gets here).
      const reserved = this.options.async?.reserved(name);
      if (pool.environments.size < Math.max(1, Math.min(this.options.maxEnvironments, reserved ?? Number.POSITIVE_INFINITY))) {
        // Read the spec now: code or settings may have changed while this caller waited.
        const spec = this.specOf(name);
        if (!spec) throw new FunctionGoneError(name);
        const env = ExecutionEnvironment.spawn(spec, this.host, this.standby);
        pool.environments.add(env);
        // Lambda hands a queued event to whichever environment is free first: one released while this one initialises
        // takes it, and this one joins the idle ones when ready (else a burst waits behind every cold start).
        let wake!: () => void;
        const released = new Promise<'released'>((resolve) => {
          wake = () => resolve('released');
          pool.waiters.push(wake);
        });
        const first = await Promise.race([env.ready.then(() => 'ready' as const), released]);
        const at = pool.waiters.indexOf(wake);
        if (at !== -1) pool.waiters.splice(at, 1);
        if (first === 'released' && pool.idle.length > 0) {
          void env.ready.then(() => this.release(name, env, generation));
          continue;
        }
        await env.ready;
        if (this.closed || pool.generation !== generation) {
          this.drop(pool, env);
          continue;
        }
        return { env, generation };
      }
      await new Promise<void>((resolve) => pool.waiters.push(resolve));
    }
  }

  private release(name: string, env: ExecutionEnvironment, generation: number): void {
    const pool = this.pool(name);
    if (env.usable && pool.generation === generation && !this.closed) {
      pool.idle.push(env);
      const timer = setTimeout(() => {
        this.idleTimers.delete(env);
        const at = pool.idle.indexOf(env);
        if (at !== -1) pool.idle.splice(at, 1);
        this.drop(pool, env);
      }, this.options.idleTimeoutMs);
      timer.unref();
      this.idleTimers.set(env, timer);
    } else this.drop(pool, env);
    pool.waiters.shift()?.();
    for (const wake of pool.held.splice(0)) wake();
  }

  private drop(pool: Pool, env: ExecutionEnvironment): void {
    clearTimeout(this.idleTimers.get(env));
    this.idleTimers.delete(env);
    env.kill();
    pool.environments.delete(env);
  }

  /** RequestResponse: runs now, resolves with the outcome. */
  async invoke(
    name: string,
    payload: string,
    requestId: string = randomUUID(),
    clientContext?: string,
    traceId?: string,
    tail = false,
  ): Promise<InvocationOutcome> {
    if (!this.specOf(name)) throw new FunctionGoneError(name);
    const pool = this.pool(name);
    const reserved = this.options.async?.reserved(name);
    if (reserved !== undefined && pool.active >= reserved) throw new ThrottledError();
    pool.active += 1;
    let acquired: { env: ExecutionEnvironment; generation: number };
    try {
      acquired = await this.acquire(name);
    } catch (err) {
      pool.active -= 1;
      throw err;
    }
    const { env, generation } = acquired;
    if (!this.specOf(name)) {
      pool.active -= 1;
      this.release(name, env, generation);
      throw new FunctionGoneError(name);
    }
    try {
      return await env.invoke({ requestId, payload, clientContext, traceId, tail });
    } finally {
      pool.active -= 1;
      this.release(name, env, generation);
    }
  }

  /** Event: queued per function and started in queue order (so START lines keep commit order). */
  invokeAsync(name: string, payload: string, requestId: string = randomUUID(), traceId?: string): string {
    const pool = this.pool(name);
    pool.queue.push({ requestId, payload, attempt: 0, queuedAt: Date.now(), throttles: 0, ...(traceId ? { traceId } : {}) });
    void this.pump(name);
    return requestId;
  }

  private async pump(name: string): Promise<void> {
    const pool = this.pool(name);
    if (pool.pumping) return;
    pool.pumping = true;
    try {
      while (pool.queue.length && !this.closed) {
        const event = pool.queue[0]!;
        const hooks = this.options.async;
        if (hooks && Date.now() - event.queuedAt > hooks.policy(name).maximumEventAgeMs) {
          pool.queue.shift();
          this.end(name, event, 'EventAgeExceeded', event.attempt, event.last);
          continue;
        }
        const reserved = hooks?.reserved(name);
        // Reserved concurrency 0: Lambda sends new events to the DLQ / on-failure destination without retries.
        if (reserved === 0) {
          pool.queue.shift();
          this.end(name, event, 'RetriesExhausted', event.attempt, event.last);
          continue;
        }
        if (hooks && reserved !== undefined && pool.active >= reserved) {
          await this.holdBack(pool, hooks.throttleWaitMs(event.throttles));
          event.throttles += 1;
          continue;
        }
        pool.queue.shift();
        pool.active += 1;
        let acquired: { env: ExecutionEnvironment; generation: number };
        try {
          acquired = await this.acquire(name);
        } catch {
          pool.active -= 1;
          if (!this.closed) this.options.log(`lambda: dropped event ${event.requestId}: function ${name} no longer exists`);
          continue;
        }
        // Started (START written) before the next event is taken; finishes on its own.
        void acquired.env.invoke({ requestId: event.requestId, payload: event.payload, traceId: event.traceId }).then((outcome) => {
          pool.active -= 1;
          this.release(name, acquired.env, acquired.generation);
          this.settle(name, event, outcome);
        });
      }
    } finally {
      pool.pumping = false;
    }
  }

  /** Waits until an invocation of the function ends or `ms` pass (a throttled event's retry). */
  private holdBack(pool: Pool, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.retryTimers.delete(timer);
        const at = pool.held.indexOf(done);
        if (at !== -1) pool.held.splice(at, 1);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.retryTimers.add(timer);
      pool.held.push(done);
    });
  }

  /** After a run: success or retries exhausted end the event; otherwise it is queued again after AWS's backoff. */
  private settle(name: string, event: QueuedEvent, outcome: InvocationOutcome): void {
    const runs = event.attempt + 1;
    if (outcome.status === 'success') {
      this.end(name, event, 'Success', runs, outcome);
      return;
    }
    const maxRetries = this.options.async?.policy(name).maximumRetryAttempts ?? 2;
    if (event.attempt >= maxRetries) {
      this.end(name, event, 'RetriesExhausted', runs, outcome);
      return;
    }
    if (this.closed) return;
    const timer = setTimeout(
      () => {
        this.retryTimers.delete(timer);
        this.pool(name).queue.push({ ...event, attempt: runs, last: outcome, throttles: 0 });
        void this.pump(name);
      },
      this.options.retryDelaysMs[Math.min(event.attempt, this.options.retryDelaysMs.length - 1)],
    );
    this.retryTimers.add(timer);
  }

  private end(name: string, event: QueuedEvent, condition: RecordCondition, attempts: number, outcome?: InvocationOutcome): void {
    if (this.closed) return;
    const hooks = this.options.async;
    if (hooks) {
      hooks.ended(name, { requestId: event.requestId, payload: event.payload, condition, attempts, ...(outcome ? { outcome } : {}) });
    } else if (condition !== 'Success') {
      this.options.log(`lambda: ${name} event ${event.requestId} failed ${attempts} times; discarded`);
    }
  }

  /**
   * New code or settings: idle environments go now, busy ones after their invocation. With `replace` (new code for a
   * function in use, e.g. a hot reload), one environment with the new code starts initialising at once (and a standby
   * runtime is kept for the next change, standby.ts); the next invocation takes it.
   */
  retire(name: string, replace = false): void {
    const pool = this.pools.get(name);
    if (!pool) return;
    const inUse = pool.environments.size > 0;
    pool.generation += 1;
    for (const env of pool.idle.splice(0)) this.drop(pool, env);
    if (pool.spare) this.drop(pool, pool.spare);
    pool.spare = undefined;
    if (replace && inUse && !this.closed) this.startSpare(name, pool);
  }

  private startSpare(name: string, pool: Pool): void {
    const spec = this.specOf(name);
    if (!spec || this.options.async?.reserved(name) === 0 || pool.environments.size >= this.options.maxEnvironments) return;
    const env = ExecutionEnvironment.spawn(spec, this.host, this.standby);
    pool.environments.add(env);
    pool.spare = env;
    const generation = pool.generation;
    void env.ready.then(() => {
      // The next change's replacement adopts a standby started now, after this one's own start and first invoke.
      const later = setTimeout(() => {
        this.retryTimers.delete(later);
        if (!this.closed) env.prepareStandby();
      }, STANDBY_DELAY_MS);
      later.unref();
      this.retryTimers.add(later);
      if (pool.spare !== env) return;
      if (this.closed || pool.generation !== generation) {
        pool.spare = undefined;
        this.drop(pool, env);
        return;
      }
      // Never claimed: reclaimed as an idle environment would be.
      const timer = setTimeout(() => {
        this.idleTimers.delete(env);
        if (pool.spare === env) pool.spare = undefined;
        this.drop(pool, env);
      }, this.options.idleTimeoutMs);
      timer.unref();
      this.idleTimers.set(env, timer);
    });
  }

  /** Function deleted: also forget queued events. */
  forget(name: string): void {
    this.retire(name);
    const pool = this.pools.get(name);
    if (pool) pool.queue.length = 0;
  }

  environmentCount(name: string): number {
    return this.pools.get(name)?.environments.size ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.standby.close();
    for (const t of this.retryTimers) clearTimeout(t);
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
    for (const pool of this.pools.values()) {
      for (const env of pool.environments) env.kill();
      pool.environments.clear();
      pool.idle.length = 0;
      pool.spare = undefined;
      for (const w of pool.waiters.splice(0)) w();
      for (const w of pool.held.splice(0)) w();
    }
  }
}
