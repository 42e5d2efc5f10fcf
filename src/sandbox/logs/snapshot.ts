/** The records that rebuild a store's live state: what compaction writes in place of the journal. */
import type { EventTuple, JournalRecord } from './journal.js';
import type { GroupState, StoredEvent } from './store.js';

/** Events per compacted record, at most (their messages are at most 256 KiB each in practice). */
const RECORD_EVENTS = 1000;

/**
 * Yields, per group: the group, its retention, its streams, then its events in position order, one
 * record per run of events of one stream and one ingestion time, each event with its sequence number
 * (so ids are unchanged and replay only ever appends to the indexes). Starts with the next sequence number.
 */
export function* snapshotRecords(nextSeq: number, groups: Iterable<GroupState>): Generator<JournalRecord> {
  yield { op: 'seq', next: nextSeq };
  for (const group of groups) {
    yield { op: 'group', name: group.name, t: group.creationTime };
    if (group.retentionInDays !== undefined) yield { op: 'retention', group: group.name, days: group.retentionInDays };
    for (const s of group.streams.values()) {
      yield {
        op: 'stream',
        group: group.name,
        name: s.name,
        t: s.creationTime,
        ...(s.lastIngestionTime !== undefined && { li: s.lastIngestionTime }),
      };
    }
    let run: EventTuple[] = [];
    let head: StoredEvent | undefined;
    for (const e of group.events) {
      if (head && (e.stream !== head.stream || e.ingestionTime !== head.ingestionTime || run.length === RECORD_EVENTS)) {
        yield { op: 'events', group: group.name, stream: head.stream.name, i: head.ingestionTime, e: run };
        run = [];
      }
      if (run.length === 0) head = e;
      run.push([e.timestamp, e.message, e.seq]);
    }
    if (head && run.length > 0) yield { op: 'events', group: group.name, stream: head.stream.name, i: head.ingestionTime, e: run };
  }
}
