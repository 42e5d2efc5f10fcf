import type { LogEventStore, GroupState } from './store.js';
import { groupNotFound, invalidParameter } from './errors.js';
import { groupNameFromIdentifier } from './ids.js';
import { optionalString, validGroupName, type Input } from './input.js';

/** What every operation handler gets. */
export interface LogsRequestContext {
  store: LogEventStore;
  region: string;
  accountId: string;
  now(): number;
  /** The ingestionTime for a batch arriving now in the group's stream (later than now under `--timing aws`: see ingestion.ts). */
  ingestionTime(group: string, stream: string, now: number): number;
  /** True when events may be stored before they are visible (`--timing aws`). */
  ingestionDelayed: boolean;
}

export type OperationHandler = (ctx: LogsRequestContext, input: Input) => object;

/** logGroupName or logGroupIdentifier (name or ARN), exactly one, resolved to an existing group. */
export function targetGroup(ctx: LogsRequestContext, input: Input): GroupState {
  const name = optionalString(input, 'logGroupName');
  const identifier = optionalString(input, 'logGroupIdentifier');
  if (name !== undefined && identifier !== undefined) {
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (name === undefined && identifier === undefined) {
    throw invalidParameter('Either logGroupName or logGroupIdentifier must be specified.');
  }
  const groupName = name !== undefined ? validGroupName(name) : groupNameFromIdentifier(identifier!);
  const group = ctx.store.group(groupName);
  if (!group) throw groupNotFound();
  return group;
}
