/**
 * What became of each operation of a burst: failed at S3, matched (an invocation came), coalesced (with one key: its
 * event never came while a later write's did, as S3 may send one notification for simultaneous writes to one
 * non-versioned key), or lost (no invocation within --timeout). Duplicates are counted apart: an operation delivered
 * twice to one function as separate invocations (distinct Lambda request ids), which S3's at-least-once delivery
 * allows. Retries of one invocation share its request id and are not duplicates; fan-out to several functions is not.
 */

/** The facts of one operation that decide its class. */
export interface OpFacts {
  /** The operation failed at S3 (never acknowledged). */
  failed: boolean;
  /** When it was sent (ms, this machine). */
  startedAt: number;
  /** When S3 acknowledged it (ms, this machine); undefined when it failed. */
  ackedAt?: number;
  /**
   * Its matched invocations: function (log group), Lambda request id and, when the handler printed it, the S3 event
   * time (epoch ms, S3's clock).
   */
  matches: readonly { logGroup: string; requestId: string; eventAt?: number }[];
}

export type OpClass = 'failed' | 'matched' | 'coalesced' | 'lost';

/** Each operation's class and whether it was duplicated, plus the counts (matched + coalesced + lost + failed = N). */
export interface Classification {
  classes: OpClass[];
  duplicated: boolean[];
  counts: { matched: number; coalesced: number; lost: number; failed: number; duplicated: number; extraInvocations: number };
}

/** Invocations beyond the first per function: each is one more delivery of the same operation. */
export function extraDeliveries(matches: OpFacts['matches']): number {
  const byGroup = new Map<string, Set<string>>();
  for (const m of matches) byGroup.set(m.logGroup, (byGroup.get(m.logGroup) ?? new Set()).add(m.requestId));
  let extra = 0;
  for (const ids of byGroup.values()) extra += ids.size - 1;
  return extra;
}

/**
 * Classifies a burst's operations. `sameKey`: they all wrote one key, so an acknowledged write without an event is
 * coalesced when an event of a write that may have come after it came: one stamped (event time) after this write was
 * sent, or one given to a write acknowledged after it was sent (S3 committed that one between its send and its ack),
 * whichever write it was given to; with unique keys nothing coalesces (it is lost).
 */
export function classify(ops: readonly OpFacts[], sameKey: boolean): Classification {
  const matched = ops.filter((o) => !o.failed && o.matches.length > 0);
  let lastEvidence = Number.NEGATIVE_INFINITY;
  for (const o of matched) {
    if (o.ackedAt !== undefined) lastEvidence = Math.max(lastEvidence, o.ackedAt);
    for (const m of o.matches) if (m.eventAt !== undefined) lastEvidence = Math.max(lastEvidence, m.eventAt);
  }
  const classes = ops.map((o): OpClass => {
    if (o.failed) return 'failed';
    if (o.matches.length > 0) return 'matched';
    return sameKey && o.ackedAt !== undefined && lastEvidence >= o.startedAt ? 'coalesced' : 'lost';
  });
  const extras = ops.map((o) => extraDeliveries(o.matches));
  const duplicated = extras.map((n) => n > 0);
  const count = (c: OpClass) => classes.filter((x) => x === c).length;
  return {
    classes,
    duplicated,
    counts: {
      matched: count('matched'),
      coalesced: count('coalesced'),
      lost: count('lost'),
      failed: count('failed'),
      duplicated: duplicated.filter(Boolean).length,
      extraInvocations: extras.reduce((a, b) => a + b, 0),
    },
  };
}
