/** CreateTopic, DeleteTopic, ListTopics, GetTopicAttributes, SetTopicAttributes (SNS API reference). */
import { indexedMembers } from '../protocol/query.js';
import { checkTopicAttribute, TOPIC_SETTABLE, topicAttributes } from './attributes.js';
import { checkArnShape, invalidParameter, missingMember, SnsError } from './errors.js';
import type { SnsModel } from './model.js';
import { page } from './pages.js';
import type { Tag } from './store.js';
import { element, listXml, mapXml } from './xml.js';

/** `Attributes.entry.N.key/value` of a query form, in order. */
export function readAttributeMap(params: URLSearchParams, prefix = 'Attributes'): [string, string][] {
  return indexedMembers(params, `${prefix}.entry`).map((e) => [e.key ?? '', e.value ?? '']);
}

function readTags(params: URLSearchParams): Tag[] {
  const tags = indexedMembers(params, 'Tags.member').map((m) => ({ Key: m.Key ?? '', Value: m.Value ?? '' }));
  for (const t of tags) {
    if (!t.Key) throw missingMember('tags.member.key');
    if (t.Key.length > 128 || t.Value.length > 256)
      throw invalidParameter('Tags Reason: a tag key is at most 128 characters, a value at most 256');
  }
  if (new Set(tags.map((t) => t.Key)).size !== tags.length) throw invalidParameter('Duplicated keys are not allowed.');
  return tags;
}

export function createTopic(sns: SnsModel, params: URLSearchParams): string {
  const name = params.get('Name') ?? '';
  const given = readAttributeMap(params);
  const attributes: Record<string, string> = {};
  for (const [key, value] of given) {
    if (key !== 'FifoTopic' && !TOPIC_SETTABLE.has(key)) throw invalidParameter(`Attributes Reason: Invalid attribute name: ${key}`);
    attributes[key] = checkTopicAttribute(key, value);
  }
  const fifo = attributes.FifoTopic === 'true';
  if (attributes.FifoTopic === 'false') delete attributes.FifoTopic;
  const valid = fifo ? /^[A-Za-z0-9_-]{1,251}\.fifo$/.test(name) : /^[A-Za-z0-9_-]{1,256}$/.test(name);
  if (!valid) throw invalidParameter('Topic Name');
  if (attributes.ContentBasedDeduplication !== undefined && !fifo)
    throw invalidParameter('Attributes Reason: Invalid attribute name: ContentBasedDeduplication');
  const tags = readTags(params);
  const arn = sns.topicArn(name);
  const existing = sns.store.topics.get(arn);
  if (existing) {
    if (Object.entries(attributes).some(([k, v]) => (existing.attributes[k] ?? (k === 'DisplayName' ? '' : undefined)) !== v)) {
      throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
    }
    if (tags.some((t) => !existing.tags.some((e) => e.Key === t.Key && e.Value === t.Value))) {
      throw invalidParameter('Tags Reason: Topic already exists with different tags');
    }
  } else {
    sns.store.topics.set(arn, { arn, name, attributes, tags, subscriptionsDeleted: 0 });
    sns.store.save();
  }
  return element('TopicArn', arn);
}

export function deleteTopic(sns: SnsModel, params: URLSearchParams): undefined {
  sns.store.deleteTopic(checkArnShape('TopicArn', params.get('TopicArn')));
  return undefined;
}

export function listTopics(sns: SnsModel, params: URLSearchParams): string {
  const { items, next } = page([...sns.store.topics.values()], (t) => t.arn, params.get('NextToken'));
  return (
    listXml(
      'Topics',
      items.map((t) => element('TopicArn', t.arn)),
    ) + element('NextToken', next)
  );
}

export function getTopicAttributes(sns: SnsModel, params: URLSearchParams): string {
  const topic = sns.topic(params.get('TopicArn'));
  return mapXml('Attributes', topicAttributes(topic, sns.store.subscriptionsOf(topic.arn), sns.ctx.accountId));
}

export function setTopicAttributes(sns: SnsModel, params: URLSearchParams): undefined {
  const name = params.get('AttributeName');
  if (!name) throw missingMember('attributeName');
  const topic = sns.topic(params.get('TopicArn'));
  const fifo = topic.attributes.FifoTopic === 'true';
  if (!TOPIC_SETTABLE.has(name) || (!fifo && (name === 'ContentBasedDeduplication' || name === 'FifoThroughputScope'))) {
    throw invalidParameter('AttributeName');
  }
  const value = params.get('AttributeValue') ?? '';
  if (value === '' && name !== 'DisplayName') delete topic.attributes[name];
  else topic.attributes[name] = checkTopicAttribute(name, value);
  sns.store.save();
  return undefined;
}

/** The topic a tagging call names (`ResourceArn`): malformed is InvalidParameter, missing is ResourceNotFound as AWS answers. */
function taggedTopic(sns: SnsModel, params: URLSearchParams) {
  const arn = checkArnShape('ResourceArn', params.get('ResourceArn'));
  const topic = sns.store.topics.get(arn);
  if (!topic) throw new SnsError('ResourceNotFound', 'Resource does not exist', 404);
  return topic;
}

export function tagResource(sns: SnsModel, params: URLSearchParams): string {
  const topic = taggedTopic(sns, params);
  for (const tag of readTags(params)) {
    topic.tags = topic.tags.filter((t) => t.Key !== tag.Key);
    topic.tags.push(tag);
  }
  if (topic.tags.length > 50) throw new SnsError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded');
  sns.store.save();
  return '';
}

export function untagResource(sns: SnsModel, params: URLSearchParams): string {
  const topic = taggedTopic(sns, params);
  const keys = new Set(indexedMembers(params, 'TagKeys.member').map((m) => m[''] ?? ''));
  topic.tags = topic.tags.filter((t) => !keys.has(t.Key));
  sns.store.save();
  return '';
}

export function listTagsForResource(sns: SnsModel, params: URLSearchParams): string {
  const topic = taggedTopic(sns, params);
  return listXml(
    'Tags',
    topic.tags.map((t) => element('Key', t.Key) + element('Value', t.Value)),
  );
}
