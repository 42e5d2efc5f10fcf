/**
 * Reads the sandbox's recursion records (observe/recursion.ts, LoopRecord) with FilterLogEvents and tells which
 * operation fired here started a loop that Lambda's recursive loop detection stopped. Only for targets that are not
 * AWS: there the group does not exist and the fact is the `RecursiveInvocationsDropped` metric, not read here.
 */
import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { type LoopCandidate, type LoopRecord, opOfLoop, parseLoopRecord, SANDBOX_RECURSION_LOG_GROUP } from './recursion.js';

const MAX_CANDIDATES = 500;

export class LoopWatch {
  private readonly candidates: LoopCandidate[] = [];
  private readonly seen = new Set<string>();
  /** Chains from our ops seen turning recursive under Terminate, not yet stopped: root -> op id. */
  private readonly open = new Map<string, number>();
  private since: number;
  private polling?: Promise<void>;

  constructor(
    private readonly logs: CloudWatchLogsClient,
    private readonly onStopped: (opId: number, record: LoopRecord) => void,
    now: number,
  ) {
    this.since = now - 60_000;
  }

  /** An operation whose event may start a loop. */
  note(op: LoopCandidate): void {
    this.candidates.push(op);
    if (this.candidates.length > MAX_CANDIDATES) this.candidates.shift();
  }

  /** Whether a chain started here is recursive and not stopped yet (as far as the last read saw). */
  get pending(): boolean {
    return this.open.size > 0;
  }

  /** Reads new records (one read at a time, none before an op is noted); never throws (a missing group: no record yet). */
  poll(): Promise<void> {
    if (this.candidates.length === 0) return Promise.resolve(); // nothing fired here could have started a loop
    this.polling ??= this.read().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async read(): Promise<void> {
    let nextToken: string | undefined;
    try {
      do {
        const out = await this.logs.send(
          new FilterLogEventsCommand({ logGroupName: SANDBOX_RECURSION_LOG_GROUP, startTime: this.since, nextToken }),
        );
        for (const e of out.events ?? []) {
          const id = e.eventId ?? `${e.timestamp} ${e.message}`;
          if (this.seen.has(id)) continue;
          this.seen.add(id);
          const record = parseLoopRecord(e.message ?? '');
          if (record) this.take(record);
        }
        nextToken = out.nextToken;
      } while (nextToken);
    } catch {
      /* no group yet, or not a sandbox */
    }
  }

  private take(record: LoopRecord): void {
    const opId = opOfLoop(record, this.candidates);
    if (opId === undefined) return;
    if (record.type === 'RecursiveInvocationDetected') {
      if (record.recursiveLoop === 'Terminate') this.open.set(record.traceRoot, opId);
      return;
    }
    this.open.delete(record.traceRoot);
    this.onStopped(opId, record);
  }

  /** Reads until no chain started here is left open, or `maxMs` passes. */
  async settle(maxMs: number, now: () => number = Date.now): Promise<void> {
    const deadline = now() + maxMs;
    await this.poll();
    while (this.pending && now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      await this.poll();
    }
  }
}
