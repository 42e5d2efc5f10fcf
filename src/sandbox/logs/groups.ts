/** Operations on log groups and log streams. */
import type { DescribeLogGroupsResponse, DescribeLogStreamsResponse, LogGroup, LogStream } from '@aws-sdk/client-cloudwatch-logs';
import { groupNotFound, invalidParameter, LogsError, streamNotFound } from './errors.js';
import { decodePageToken, encodePageToken, logGroupArn, logStreamArn } from './ids.js';
import {
  optionalBoolean,
  optionalNumber,
  optionalString,
  optionalStringList,
  requiredString,
  validGroupName,
  validStreamName,
  type Input,
} from './input.js';
import { targetGroup, type LogsRequestContext, type OperationHandler } from './request-context.js';
import type { GroupState, StreamState } from './store.js';

const createLogGroup: OperationHandler = (ctx, input) => {
  const name = validGroupName(requiredString(input, 'logGroupName'));
  if (ctx.store.group(name)) throw new LogsError('ResourceAlreadyExistsException', 'The specified log group already exists');
  ctx.store.createGroup(name, ctx.now());
  return {};
};

const deleteLogGroup: OperationHandler = (ctx, input) => {
  const name = validGroupName(requiredString(input, 'logGroupName'));
  if (!ctx.store.group(name)) throw groupNotFound();
  ctx.store.deleteGroup(name);
  return {};
};

const createLogStream: OperationHandler = (ctx, input) => {
  const group = validGroupName(requiredString(input, 'logGroupName'));
  const name = validStreamName(requiredString(input, 'logStreamName'));
  const state = ctx.store.group(group);
  if (!state) throw groupNotFound();
  if (state.streams.has(name)) throw new LogsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
  ctx.store.createStream(group, name, ctx.now());
  return {};
};

const deleteLogStream: OperationHandler = (ctx, input) => {
  const group = validGroupName(requiredString(input, 'logGroupName'));
  const name = validStreamName(requiredString(input, 'logStreamName'));
  const state = ctx.store.group(group);
  if (!state) throw groupNotFound();
  if (!state.streams.has(name)) throw streamNotFound();
  ctx.store.deleteStream(group, name);
  return {};
};

export function describeGroup(ctx: Pick<LogsRequestContext, 'region' | 'accountId'>, group: GroupState): LogGroup {
  const arn = logGroupArn(ctx.region, ctx.accountId, group.name);
  return {
    logGroupName: group.name,
    creationTime: group.creationTime,
    ...(group.retentionInDays !== undefined && { retentionInDays: group.retentionInDays }),
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: group.storedBytes,
    logGroupClass: 'STANDARD',
    logGroupArn: arn,
  };
}

const describeLogGroups: OperationHandler = (ctx, input): DescribeLogGroupsResponse => {
  const prefix = optionalString(input, 'logGroupNamePrefix');
  const pattern = optionalString(input, 'logGroupNamePattern');
  const identifiers = optionalStringList(input, 'logGroupIdentifiers', 50);
  if (prefix !== undefined && pattern !== undefined) {
    throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  }
  const limit = optionalNumber(input, 'limit', 1, 50) ?? 50;
  const offset = pageOffset(input);
  const wanted = identifiers && new Set(identifiers.map((id) => id.replace(/:\*$/, '')));
  const groups = ctx.store.allGroups().filter((g) => {
    if (prefix !== undefined && !g.name.startsWith(prefix)) return false;
    if (pattern !== undefined && !g.name.toLowerCase().includes(pattern.toLowerCase())) return false;
    if (wanted && !wanted.has(g.name) && !wanted.has(logGroupArn(ctx.region, ctx.accountId, g.name))) return false;
    return true;
  });
  const page = groups.slice(offset, offset + limit);
  const more = offset + limit < groups.length;
  return { logGroups: page.map((g) => describeGroup(ctx, g)), ...(more && { nextToken: encodePageToken({ o: offset + limit }) }) };
};

export function describeStream(ctx: Pick<LogsRequestContext, 'region' | 'accountId'>, stream: StreamState): LogStream {
  const first = stream.events[0];
  const last = stream.events[stream.events.length - 1];
  return {
    logStreamName: stream.name,
    creationTime: stream.creationTime,
    ...(first && { firstEventTimestamp: first.timestamp }),
    ...(last && { lastEventTimestamp: last.timestamp }),
    ...(stream.lastIngestionTime !== undefined && { lastIngestionTime: stream.lastIngestionTime }),
    uploadSequenceToken: String(stream.events.length).padStart(56, '0'),
    arn: logStreamArn(ctx.region, ctx.accountId, stream.group.name, stream.name),
    storedBytes: stream.storedBytes,
  };
}

const byName = (a: StreamState, b: StreamState) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const lastEventTime = (s: StreamState) => s.events[s.events.length - 1]?.timestamp ?? 0;

const describeLogStreams: OperationHandler = (ctx, input): DescribeLogStreamsResponse => {
  const prefix = optionalString(input, 'logStreamNamePrefix');
  const orderBy = optionalString(input, 'orderBy') ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw invalidParameter(
      `1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`,
    );
  }
  if (orderBy === 'LastEventTime' && prefix !== undefined) {
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const descending = optionalBoolean(input, 'descending') ?? false;
  const limit = optionalNumber(input, 'limit', 1, 50) ?? 50;
  const offset = pageOffset(input);
  const group = targetGroup(ctx, input);

  const streams = [...group.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix));
  streams.sort(orderBy === 'LastEventTime' ? (a, b) => lastEventTime(a) - lastEventTime(b) || byName(a, b) : byName);
  if (descending) streams.reverse();
  const page = streams.slice(offset, offset + limit);
  const more = offset + limit < streams.length;
  return { logStreams: page.map((s) => describeStream(ctx, s)), ...(more && { nextToken: encodePageToken({ o: offset + limit }) }) };
};

function pageOffset(input: Input): number {
  const token = optionalString(input, 'nextToken');
  if (token === undefined) return 0;
  const offset = decodePageToken(token)?.o;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw invalidParameter('The specified nextToken is invalid.');
  return offset;
}

export const groupOperations: Record<string, OperationHandler> = {
  CreateLogGroup: createLogGroup,
  DeleteLogGroup: deleteLogGroup,
  CreateLogStream: createLogStream,
  DeleteLogStream: deleteLogStream,
  DescribeLogGroups: describeLogGroups,
  DescribeLogStreams: describeLogStreams,
};
