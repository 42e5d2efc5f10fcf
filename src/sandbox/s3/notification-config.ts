/**
 * Bucket notification configuration: parse the PutBucketNotificationConfiguration body, validate it
 * as AWS does, serialise it for GetBucketNotificationConfiguration, and match events against it.
 */
import { eventNameMatches, keyFilterAccepts } from '../../aws/s3-events.js';
import { randomUUID } from 'node:crypto';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { S3Notification } from '../context.js';
import type { PermissionGap } from '../glue/permission-hints.js';
import { S3Error } from './errors.js';

export interface FilterRule {
  Name: string;
  Value: string;
}

export interface DestinationConfig {
  kind: 'lambda' | 'queue' | 'topic';
  id: string;
  arn: string;
  events: string[];
  filterRules: FilterRule[];
}

export interface NotificationConfig {
  destinations: DestinationConfig[];
  eventBridge: boolean;
}

/** Wire element names per destination kind (botocore's locationNames; the JS SDK sends the same). */
const WIRE = {
  lambda: { config: 'CloudFunctionConfiguration', arn: 'CloudFunction', service: 'lambda' },
  queue: { config: 'QueueConfiguration', arn: 'Queue', service: 'sqs' },
  topic: { config: 'TopicConfiguration', arn: 'Topic', service: 'sns' },
} as const;

/** The order AWS lists configurations in its Get response. */
const KINDS = ['topic', 'queue', 'lambda'] as const;

/** botocore's `Event` enum for S3. */
export const NOTIFICATION_EVENTS: ReadonlySet<string> = new Set([
  's3:ReducedRedundancyLostObject',
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:Replication:*',
  's3:Replication:OperationFailedReplication',
  's3:Replication:OperationNotTracked',
  's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
  's3:ObjectAcl:Put',
  's3:LifecycleExpiration:*',
  's3:LifecycleExpiration:Delete',
  's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
]);

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export const malformedXml = () =>
  new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');

const invalidArgument = (message: string, extra: Record<string, string> = {}) => new S3Error('InvalidArgument', message, 400, extra);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  // Filter values may legitimately start or end with spaces.
  trimValues: false,
  isArray: (name) => ['CloudFunctionConfiguration', 'QueueConfiguration', 'TopicConfiguration', 'Event', 'FilterRule'].includes(name),
});

type XmlNode = Record<string, unknown>;

const isNode = (v: unknown): v is XmlNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A leaf element's text, or undefined when absent or not a leaf. */
function text(node: XmlNode, name: string): string | undefined {
  const v = node[name];
  return typeof v === 'string' ? v : undefined;
}

/** AWS's generated configuration ids are the base64 of a random UUID. */
const generateId = () => Buffer.from(randomUUID()).toString('base64');

function parseFilterRules(config: XmlNode): FilterRule[] {
  const filter = config.Filter;
  if (filter === undefined || filter === '') return [];
  if (!isNode(filter)) throw malformedXml();
  const s3Key = filter.S3Key;
  if (s3Key === undefined || s3Key === '') return [];
  if (!isNode(s3Key)) throw malformedXml();
  const rules = (s3Key.FilterRule as unknown[] | undefined) ?? [];
  const seen = new Set<string>();
  return rules.map((rule) => {
    if (!isNode(rule)) throw malformedXml();
    const Name = text(rule, 'Name')?.trim();
    const Value = text(rule, 'Value');
    if (Name === undefined || Value === undefined) throw malformedXml();
    const lower = Name.toLowerCase();
    if (lower !== 'prefix' && lower !== 'suffix') {
      throw invalidArgument('filter rule name must be either prefix or suffix', {
        ArgumentName: 'FilterRule.Name',
        ArgumentValue: Name,
      });
    }
    if (seen.has(lower)) throw invalidArgument(`Cannot specify more than one ${lower} rule in a filter.`);
    seen.add(lower);
    return { Name, Value };
  });
}

function parseDestination(kind: DestinationConfig['kind'], config: unknown): DestinationConfig {
  if (!isNode(config)) throw malformedXml();
  const arn = text(config, WIRE[kind].arn)?.trim();
  const rawEvents = (config.Event as unknown[] | undefined) ?? [];
  if (arn === undefined || rawEvents.length === 0 || rawEvents.some((e) => typeof e !== 'string')) throw malformedXml();
  const events = (rawEvents as string[]).map((e) => e.trim());
  for (const event of events) {
    if (!NOTIFICATION_EVENTS.has(event)) throw invalidArgument('The event is not supported for notifications');
  }
  const id = text(config, 'Id')?.trim();
  return { kind, id: id ? id : generateId(), arn, events, filterRules: parseFilterRules(config) };
}

/** Parses a NotificationConfiguration body (JS SDK, botocore and AWS CLI all send the same element names). */
export function parseNotificationXml(xml: string): NotificationConfig {
  // S3 accepts no DTDs; refusing them also keeps entity expansion out of the picture.
  if (xml.trim() === '' || /<!DOCTYPE/i.test(xml) || XMLValidator.validate(xml) !== true) throw malformedXml();
  let doc: XmlNode;
  try {
    doc = parser.parse(xml) as XmlNode;
  } catch {
    throw malformedXml();
  }
  const root = doc.NotificationConfiguration;
  if (typeof root === 'string' && root.trim() === '') return { destinations: [], eventBridge: false };
  if (!isNode(root)) throw malformedXml();
  const destinations: DestinationConfig[] = [];
  for (const kind of ['lambda', 'queue', 'topic'] as const) {
    for (const config of (root[WIRE[kind].config] as unknown[] | undefined) ?? []) {
      destinations.push(parseDestination(kind, config));
    }
  }
  return { destinations, eventBridge: 'EventBridgeConfiguration' in root };
}

const ARN_PARTITION = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):/;

function arnParses(kind: DestinationConfig['kind'], arn: string): boolean {
  const match = ARN_PARTITION.exec(arn);
  if (!match) return false;
  const [service, region, account, ...resource] = arn.slice(match[0].length).split(':');
  return service === WIRE[kind].service && !!region && !!account && resource.join(':') !== '';
}

/** "ObjectCreated:Put" -> ["ObjectCreated", "Put"]; "s3:LifecycleTransition" -> ["LifecycleTransition", undefined]. */
function splitEvent(event: string): [string, string | undefined] {
  const [category, detail] = event.replace(/^s3:/, '').split(':');
  return [category!, detail];
}

function eventsIntersect(a: string, b: string): boolean {
  const [catA, detA] = splitEvent(a);
  const [catB, detB] = splitEvent(b);
  return catA === catB && (detA === detB || detA === '*' || detB === '*');
}

const ruleValue = (rules: FilterRule[], name: 'prefix' | 'suffix') => rules.find((r) => r.Name.toLowerCase() === name)?.Value ?? '';

function filtersOverlap(a: FilterRule[], b: FilterRule[]): boolean {
  const [pa, pb] = [ruleValue(a, 'prefix'), ruleValue(b, 'prefix')];
  const [sa, sb] = [ruleValue(a, 'suffix'), ruleValue(b, 'suffix')];
  return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}

function checkOverlaps(destinations: DestinationConfig[]): void {
  for (let i = 0; i < destinations.length; i++) {
    for (let j = i + 1; j < destinations.length; j++) {
      const [a, b] = [destinations[i]!, destinations[j]!];
      if (!filtersOverlap(a.filterRules, b.filterRules)) continue;
      for (const ea of a.events) {
        const eb = b.events.find((e) => eventsIntersect(ea, e));
        if (eb === undefined) continue;
        if (a.filterRules.length === 0 && b.filterRules.length === 0) {
          throw invalidArgument('Configurations overlap. Configurations on the same bucket cannot share a common event type.', {
            ArgumentName: 'Event',
            ArgumentValue: `${ea}, ${eb}`,
          });
        }
        throw invalidArgument(
          'Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.',
        );
      }
    }
  }
}

/** What validation asks of the destination services (through the sandbox context). */
export interface DestinationLookup {
  /** Whether the function, queue or topic exists. */
  exists(kind: DestinationConfig['kind'], arn: string): boolean;
  /** Whether its resource policy lets `s3.amazonaws.com` deliver events from `bucketArn` (invoke, send, publish). */
  allowsS3(kind: DestinationConfig['kind'], arn: string, bucketArn: string): boolean;
}

/** AWS's ArgumentName/ArgumentValue pair for a destination it cannot validate. */
function destinationProblem(d: DestinationConfig, missing: boolean): [string, string] {
  if (d.kind === 'lambda') return [`${d.arn}, null`, `Not authorized to invoke function [${d.arn}]`];
  const what = d.kind === 'queue' ? 'queue' : 'topic';
  return [
    d.arn,
    missing
      ? `The destination ${what} does not exist`
      : `Permissions on the destination ${what} do not allow S3 to publish notifications from this bucket`,
  ];
}

/**
 * AWS's semantic checks, in its order: ARNs parse (even with skip-destination-validation), every destination
 * exists and (with `strict`) lets S3 deliver to it, and no two configurations overlap. A missing destination, or
 * under `strict` one whose policy refuses S3, is 400 InvalidArgument "Unable to validate the following destination
 * configurations" with ArgumentName<i>/ArgumentValue<i> per destination (AWS-recorded in LocalStack's
 * test_s3_notifications_{sqs,lambda}.snapshot.json; a function's missing permission reads as its absence).
 * Returns the permission gaps accepted without `strict`, for the caller to log.
 */
export function validateNotificationConfig(
  cfg: NotificationConfig,
  opts: { bucket: string; skipDestinationValidation: boolean; strict: boolean; destinations: DestinationLookup },
): PermissionGap[] {
  for (const d of cfg.destinations) {
    if (!arnParses(d.kind, d.arn)) {
      throw invalidArgument('The ARN could not be parsed', { ArgumentName: WIRE[d.kind].arn, ArgumentValue: d.arn });
    }
  }
  const gaps: PermissionGap[] = [];
  if (!opts.skipDestinationValidation) {
    const bucketArn = `arn:aws:s3:::${opts.bucket}`;
    const problems: [string, string][] = [];
    for (const d of cfg.destinations) {
      const missing = !opts.destinations.exists(d.kind, d.arn);
      const refused = !missing && !opts.destinations.allowsS3(d.kind, d.arn, bucketArn);
      if (missing || (refused && opts.strict)) problems.push(destinationProblem(d, missing));
      else if (refused) gaps.push({ kind: d.kind, arn: d.arn, bucket: opts.bucket });
    }
    if (problems.length > 0) {
      const extra: Record<string, string> = {};
      problems.forEach(([name, value], i) => {
        extra[`ArgumentName${i + 1}`] = name;
        extra[`ArgumentValue${i + 1}`] = value;
      });
      throw invalidArgument('Unable to validate the following destination configurations', extra);
    }
  }
  checkOverlaps(cfg.destinations);
  return gaps;
}

const builder = new XMLBuilder({ suppressEmptyNode: false, ignoreAttributes: false });

/** The GetBucketNotificationConfiguration body; rule names come back capitalised as AWS returns them. */
export function notificationConfigToXml(cfg: NotificationConfig): string {
  const root: Record<string, unknown> = { '@_xmlns': S3_NS };
  for (const kind of KINDS) {
    const configs = cfg.destinations
      .filter((d) => d.kind === kind)
      .map((d) => {
        const node: Record<string, unknown> = { Id: d.id, [WIRE[kind].arn]: d.arn, Event: d.events };
        if (d.filterRules.length > 0) {
          node.Filter = {
            S3Key: {
              FilterRule: d.filterRules.map((r) => ({
                Name: r.Name.toLowerCase() === 'prefix' ? 'Prefix' : 'Suffix',
                Value: r.Value,
              })),
            },
          };
        }
        return node;
      });
    if (configs.length > 0) root[WIRE[kind].config] = configs;
  }
  if (cfg.eventBridge) root.EventBridgeConfiguration = '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ NotificationConfiguration: root })}`;
}

/**
 * The destinations one event goes to: each configuration whose events and key filters match, once;
 * EventBridge, when enabled, gets every event regardless of filters.
 */
export function matchingDestinations(cfg: NotificationConfig, eventName: string, key: string): S3Notification['destination'][] {
  const out: S3Notification['destination'][] = cfg.destinations
    .filter((d) => d.events.some((e) => eventNameMatches(e, eventName)) && keyFilterAccepts(d.filterRules, key))
    .map((d) => ({ kind: d.kind, arn: d.arn, configurationId: d.id }));
  if (cfg.eventBridge) out.push({ kind: 'eventbridge' });
  return out;
}
