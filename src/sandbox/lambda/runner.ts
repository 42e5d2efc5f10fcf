/**
 * Execution environments per function: warm reuse, a new environment for each concurrent invocation,
 * replacement after a timeout or crash, and the asynchronous (Event) queue with Lambda's two retries.
 */
import { randomUUID } from 'node:crypto';
import { ExecutionEnvironment } from './environment.js';
import type { FunctionSpec, InvocationOutcome, RuntimeHost } from './spec.js';

export interface RunnerOptions {
  /** Most environments one function may have at once; further invocations wait. */
  maxEnvironments: number;
  /** Delay before the 1st and 2nd retry of a failed asynchronous invocation (AWS: about 1 and 2 minutes). */
  retryDelaysMs: [number, number];
  /** An environment idle this long is shut down, as Lambda reclaims idle environments. */
  idleTimeoutMs: number;
  log(line: string): void;
}

interface Pool {
  generation: number;
  environments: Set<ExecutionEnvironment>;
  idle: ExecutionEnvironment[];
  waiters: (() => void)[];
  queue: QueuedEvent[];
  pumping: boolean;
}

interface QueuedEvent {
  requestId: string;
  payload: string;
  attempt: number;
  /** `_X_AMZN_TRACE_ID` of its invocation (recursion/), kept across retries. */
  traceId?: string;
}

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
  private closed = false;

  constructor(
    private readonly host: RuntimeHost,
    private readonly specOf: (name: string) => FunctionSpec | undefined,
    private readonly options: RunnerOptions,
  ) {}

  private pool(name: string): Pool {
    let p = this.pools.get(name);
    if (!p) {
      p = { generation: 0, environments: new Set(), idle: [], waiters: [], queue: [], pumping: false };
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
      if (pool.environments.size < this.options.maxEnvironments) {
        // Read the spec now: code or settings may have changed while this caller waited.
        const spec = this.specOf(name);
        if (!spec) throw new FunctionGoneError(name);
        const env = ExecutionEnvironment.spawn(spec, this.host);
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
  ): Promise<InvocationOutcome> {
    if (!this.specOf(name)) throw new FunctionGoneError(name);
    const { env, generation } = await this.acquire(name);
    if (!this.specOf(name)) {
      this.release(name, env, generation);
      throw new FunctionGoneError(name);
    }
    try {
      return await env.invoke({ requestId, payload, clientContext, traceId });
    } finally {
      this.release(name, env, generation);
    }
  }

  /** Event: queued per function and started in queue order (so START lines keep commit order). */
  invokeAsync(name: string, payload: string, requestId: string = randomUUID(), traceId?: string): string {
    const pool = this.pool(name);
    pool.queue.push({ requestId, payload, attempt: 0, ...(traceId ? { traceId } : {}) });
    void this.pump(name);
    return requestId;
  }

  private async pump(name: string): Promise<void> {
    const pool = this.pool(name);
    if (pool.pumping) return;
    pool.pumping = true;
    try {
      while (pool.queue.length && !this.closed) {
        const event = pool.queue.shift()!;
        let acquired: { env: ExecutionEnvironment; generation: number };
        try {
          acquired = await this.acquire(name);
        } catch {
          if (!this.closed) this.options.log(`lambda: dropped event ${event.requestId}: function ${name} no longer exists`);
          continue;
        }
        // Started (START written) before the next event is taken; finishes on its own.
        void acquired.env.invoke({ requestId: event.requestId, payload: event.payload, traceId: event.traceId }).then((outcome) => {
          this.release(name, acquired.env, acquired.generation);
          if (outcome.status !== 'success') this.retryLater(name, event);
        });
      }
    } finally {
      pool.pumping = false;
    }
  }

  private retryLater(name: string, event: QueuedEvent): void {
    if (event.attempt >= 2 || this.closed) {
      if (event.attempt >= 2) this.options.log(`lambda: ${name} event ${event.requestId} failed 3 times; discarded`);
      return;
    }
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.pool(name).queue.push({ ...event, attempt: event.attempt + 1 });
      void this.pump(name);
    }, this.options.retryDelaysMs[event.attempt]);
    this.retryTimers.add(timer);
  }

  /** New code or settings: idle environments go now, busy ones after their invocation. */
  retire(name: string): void {
    const pool = this.pools.get(name);
    if (!pool) return;
    pool.generation += 1;
    for (const env of pool.idle.splice(0)) this.drop(pool, env);
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
    for (const t of this.retryTimers) clearTimeout(t);
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
    for (const pool of this.pools.values()) {
      for (const env of pool.environments) env.kill();
      pool.environments.clear();
      pool.idle.length = 0;
      for (const w of pool.waiters.splice(0)) w();
    }
  }
}
