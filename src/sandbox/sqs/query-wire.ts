/**
 * SQS over the query protocol (AWS CLI v2 2.9, older SDKs): form parameters translated to the JSON protocol's input
 * shape (flattened lists and maps: `Attribute.1.Name`, `AttributeName.1`, `MessageAttribute.1.Value.StringValue`,
 * `SendMessageBatchRequestEntry.1.Id`, binary values in base64), and the operations' JSON-shaped output written as
 * the XML botocore's query parser reads (flattened lists, `<Attribute><Name/><Value/></Attribute>` maps), in the
 * namespace `http://queue.amazonaws.com/doc/2012-11-05/`.
 */
import { indexedMembers } from '../protocol/query.js';
import { escapeXml } from '../protocol/errors.js';
import type { Input } from './input.js';

export const SQS_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';

const INTEGERS = new Set(['MaxResults', 'DelaySeconds', 'MaxNumberOfMessages', 'VisibilityTimeout', 'WaitTimeSeconds']);
const LISTS: Record<string, string> = {
  AttributeName: 'AttributeNames',
  MessageSystemAttributeName: 'MessageSystemAttributeNames',
  MessageAttributeName: 'MessageAttributeNames',
  TagKey: 'TagKeys',
};
const ENTRY_LISTS = ['SendMessageBatchRequestEntry', 'DeleteMessageBatchRequestEntry', 'ChangeMessageVisibilityBatchRequestEntry'];

function attributeMap(params: URLSearchParams, prefix: string): Record<string, unknown> | undefined {
  const members = indexedMembers(params, prefix);
  if (members.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const m of members) {
    if (m.Name === undefined) continue;
    out[m.Name] = {
      DataType: m['Value.DataType'],
      ...(m['Value.StringValue'] !== undefined ? { StringValue: m['Value.StringValue'] } : {}),
      ...(m['Value.BinaryValue'] !== undefined ? { BinaryValue: m['Value.BinaryValue'] } : {}),
    };
  }
  return out;
}

function pairMap(params: URLSearchParams, prefix: string, key: string): Record<string, string> | undefined {
  const members = indexedMembers(params, prefix);
  if (members.length === 0) return undefined;
  return Object.fromEntries(members.filter((m) => m[key] !== undefined).map((m) => [m[key]!, m.Value ?? '']));
}

/** The JSON-shaped input of a query request (entries of a batch translated the same way). */
export function queryInput(params: URLSearchParams): Input {
  const input: Input = {};
  for (const [name, value] of params) {
    if (name.includes('.') || name === 'Action' || name === 'Version') continue;
    input[name] = INTEGERS.has(name) && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  const attributes = pairMap(params, 'Attribute', 'Name');
  if (attributes) input.Attributes = attributes;
  const tags = pairMap(params, 'Tag', 'Key');
  if (tags) {
    input.tags = tags;
    input.Tags = tags;
  }
  for (const [prefix, field] of Object.entries(LISTS)) {
    const values = indexedMembers(params, prefix)
      .map((m) => m[''])
      .filter((v): v is string => v !== undefined);
    if (values.length > 0) input[field] = values;
  }
  const messageAttributes = attributeMap(params, 'MessageAttribute');
  if (messageAttributes) input.MessageAttributes = messageAttributes;
  const systemAttributes = attributeMap(params, 'MessageSystemAttribute');
  if (systemAttributes) input.MessageSystemAttributes = systemAttributes;
  for (const prefix of ENTRY_LISTS) {
    const entries = indexedMembers(params, prefix);
    if (entries.length > 0) input.Entries = entries.map((e) => queryInput(new URLSearchParams(Object.entries(e))));
  }
  return input;
}

/** XML text: escapeXml, plus CR as `&#xD;` so an XML parser does not fold `\r\n` into `\n`. */
const text = (value: unknown) => escapeXml(String(value)).replace(/\r/g, '&#xD;');

const element = (name: string, inner: string) => `<${name}>${inner}</${name}>`;

const LIST_ELEMENTS: Record<string, string> = {
  QueueUrls: 'QueueUrl',
  queueUrls: 'QueueUrl',
  Messages: 'Message',
  Failed: 'BatchResultErrorEntry',
};

function valueXml(name: string, value: unknown, action: string): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    const tag = name === 'Successful' ? `${action}ResultEntry` : (LIST_ELEMENTS[name] ?? name);
    return value
      .map((v) => element(tag, typeof v === 'object' && v !== null ? objectXml(v as Record<string, unknown>, action) : text(v)))
      .join('');
  }
  if (name === 'Attributes' || name === 'Tags') {
    const [tag, key] = name === 'Tags' ? ['Tag', 'Key'] : ['Attribute', 'Name'];
    return Object.entries(value as Record<string, string>)
      .map(([k, v]) => element(tag, element(key, text(k)) + element('Value', text(v))))
      .join('');
  }
  if (name === 'MessageAttributes') {
    return Object.entries(value as Record<string, Record<string, string>>)
      .map(([k, v]) => element('MessageAttribute', element('Name', text(k)) + element('Value', objectXml(v, action))))
      .join('');
  }
  if (typeof value === 'object') return element(name, objectXml(value as Record<string, unknown>, action));
  return element(name, text(value));
}

function objectXml(value: Record<string, unknown>, action: string): string {
  return Object.entries(value)
    .map(([k, v]) => valueXml(k, v, action))
    .join('');
}

/** The inside of `<ActionResult>` for an operation's JSON-shaped output; undefined when the action has no result element. */
export function queryResultXml(action: string, output: Record<string, unknown>): string | undefined {
  const none = ['DeleteQueue', 'PurgeQueue', 'SetQueueAttributes', 'DeleteMessage', 'ChangeMessageVisibility', 'TagQueue', 'UntagQueue'];
  return none.includes(action) ? undefined : objectXml(output, action);
}
