/** One CloudWatch log event as the tail delivered it. */
export interface LogLine {
  logGroup: string;
  logStream: string;
  /** Event timestamp (ms), set by the Lambda runtime's clock. */
  timestamp: number;
  /** When CloudWatch ingested it (ms), CloudWatch's clock; absent on some live-tail paths. */
  ingestionTime?: number;
  message: string;
  /** Stable id from FilterLogEvents; live-tail events get a synthesized id. */
  eventId?: string;
  /** When this tool received it (ms), this machine's clock. */
  seenAt: number;
  /** Lambda RequestId this line belongs to, when known. */
  requestId?: string;
  kind: 'start' | 'end' | 'report' | 'app' | 'error' | 'timeout';
}

export interface ReportMetrics {
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  /** Present only on a cold start. */
  initDurationMs?: number;
}

/**
 * One run of an invocation, START … REPORT. Lambda retries a failed asynchronous event (an S3 notification) up to
 * twice with the same RequestId, each retry its own attempt, maybe in another log stream (Lambda developer guide,
 * "Error handling and automatic retries").
 */
export interface InvocationAttempt {
  logStream: string;
  /** START, END and REPORT timestamps (ms, Lambda's clock); a START not read yet leaves startedAt undefined. */
  startedAt?: number;
  endedAt?: number;
  reportedAt?: number;
  report?: ReportMetrics;
  status: 'running' | 'succeeded' | 'failed' | 'timed-out';
}

/** Every log line with one RequestId. Its times, `report`, `status` and `logStream` are its last attempt's. */
export interface Invocation {
  requestId: string;
  logGroup: string;
  logStream: string;
  /** START event timestamp (ms). */
  startedAt?: number;
  /** END event timestamp (ms). */
  endedAt?: number;
  /** REPORT event timestamp (ms). */
  reportedAt?: number;
  report?: ReportMetrics;
  status: InvocationAttempt['status'];
  /**
   * Each START … REPORT in timestamp order, the last one's figures mirrored above; its length is the number of
   * attempts. Absent until a START, END or REPORT was read (and on snapshots built elsewhere): one attempt.
   */
  attempts?: InvocationAttempt[];
  /** Every attempt's lines, in timestamp order. */
  lines: LogLine[];
  /**
   * Lines that may tie it to an operation (S3 records, event names, request ids, the keys fired here), recorded as
   * they arrive and kept past the cap on `lines` (a handler flooding its log must not lose the line with the key).
   */
  evidence?: LogLine[];
  /** When this tool first saw any line of it (ms, this machine). */
  firstSeenAt: number;
}

export type MatchConfidence = 'request-id' | 'key' | 'time';

/** Latency figures of one matched operation, each with the clocks it spans. */
export interface Latency {
  /** op ack (this machine) -> START timestamp (Lambda's clock). */
  triggerMs?: number;
  /** op ack (this machine) -> REPORT timestamp (Lambda's clock). */
  endToEndMs?: number;
  /** REPORT Duration (Lambda's own measurement). */
  durationMs?: number;
  initDurationMs?: number;
  coldStart: boolean;
  /** START timestamp (Lambda's clock) -> when this tool saw START (this machine). */
  tailLagMs?: number;
  /**
   * Per-hop figures where the event's envelopes carry a time, in order: S3 ack -> SNS `Timestamp`, SQS `SentTimestamp` ->
   * START (queue wait and batching window), EventBridge `time` -> START. Each names its clocks.
   */
  hops?: LatencyHop[];
}

/** One hop's latency: `from` -> `to` in ms, and the clocks it spans (e.g. `this machine -> SNS`). */
export interface LatencyHop {
  from: 'ack' | 'sns' | 'sqs' | 'eventbridge';
  to: 'sns' | 'sqs' | 'eventbridge' | 'start';
  ms: number;
  clocks: string;
}

export type TailMode = 'connecting' | 'live' | 'polling' | 'waiting-for-group' | 'reconnecting' | 'stopped';

export interface TailState {
  logGroup: string;
  mode: TailMode;
  /** Current polling interval when mode is 'polling'. */
  intervalMs?: number;
  detail?: string;
}
