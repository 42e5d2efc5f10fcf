/**
 * Object tags: the `x-amz-tagging` header, the `<Tagging>` document and AWS's limits. Pure.
 * Follows PutObjectTagging / PutObject (x-amz-tagging) in the S3 API reference and the user guide's
 * "Categorizing your storage using tags": at most 10 tags, unique keys, key 1-128 and value 0-256
 * UTF-16 code units, letters, numbers, white space and `_ . : / = + @ -`, no `aws:` prefix.
 */
import { S3Error } from './errors.js';
import { malformedXml, parseRequestXml, s3Xml } from './xml.js';

export interface Tag {
  key: string;
  value: string;
}

export const MAX_OBJECT_TAGS = 10;
const MAX_KEY = 128;
const MAX_VALUE = 256;
const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const invalidTag = (message: string) => new S3Error('InvalidTag', message);

/** Checks a tag set as S3 does; returns it sorted by key (S3 answers tags in key order). Throws BadRequest / InvalidTag. */
export function validateTags(tags: Tag[]): Tag[] {
  if (tags.length > MAX_OBJECT_TAGS) throw new S3Error('BadRequest', 'Object tags cannot be greater than 10');
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if (key.length > MAX_KEY) throw invalidTag(`The TagKey you have provided is too long, max ${MAX_KEY}`);
    if (key === '' || !ALLOWED.test(key)) throw invalidTag('The TagKey you have provided is invalid');
    if (value.length > MAX_VALUE) throw invalidTag(`The TagValue you have provided is too long, max ${MAX_VALUE}`);
    if (!ALLOWED.test(value)) throw invalidTag('The TagValue you have provided is invalid');
    if (key.toLowerCase().startsWith('aws:')) throw invalidTag('Your TagKey cannot be prefixed with aws:');
    if (seen.has(key)) throw invalidTag('Cannot provide multiple Tags with the same key');
    seen.add(key);
  }
  return [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const badHeader = (value: string) =>
  new S3Error(
    'InvalidArgument',
    "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
    400,
    { ArgumentName: 'x-amz-tagging', ArgumentValue: value },
  );

/**
 * `k1=v1&k2=v2` (URL-encoded, `+` is a space; a name without `=` has the empty value) to a
 * validated tag set. InvalidArgument for a malformed header or a repeated name.
 */
export function parseTaggingHeader(raw: string): Tag[] {
  const tags: Tag[] = [];
  const names = new Set<string>();
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const parts = pair.split('=');
    if (parts.length > 2) throw badHeader(raw);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(parts[0]!.replace(/\+/g, ' '));
      value = decodeURIComponent((parts[1] ?? '').replace(/\+/g, ' '));
    } catch {
      throw badHeader(raw);
    }
    if (names.has(key)) throw badHeader(raw);
    names.add(key);
    tags.push({ key, value });
  }
  return validateTags(tags);
}

/** Form POST's `tagging` field and PutObjectTagging's body: `<Tagging><TagSet><Tag><Key/><Value/></Tag>...`. MalformedXML when the shape is wrong. */
export function parseTaggingXml(xml: string): Tag[] {
  const doc = parseRequestXml(xml, 'Tagging');
  const set = doc.TagSet;
  if (set === undefined) throw malformedXml();
  if (typeof set === 'string') {
    if (set.trim() !== '') throw malformedXml();
    return [];
  }
  const raw = (set as Record<string, unknown>).Tag;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const tags = list.map((t) => {
    const node = typeof t === 'object' && t !== null ? (t as Record<string, unknown>) : {};
    const { Key: key, Value: value } = node;
    if (typeof key !== 'string' || typeof value !== 'string') throw malformedXml();
    return { key, value };
  });
  return validateTags(tags);
}

/** GetObjectTagging's document; an untagged object has an empty TagSet. */
export function taggingXml(tags: Tag[] | undefined): string {
  const list = tags ?? [];
  return s3Xml('Tagging', { TagSet: list.length ? { Tag: list.map((t) => ({ Key: t.key, Value: t.value })) } : '' });
}

/** The `x-amz-tagging-count` header of GET/HEAD: only when the object has tags. */
export function taggingCountHeader(tags: Tag[] | undefined): Record<string, number> {
  return tags?.length ? { 'x-amz-tagging-count': tags.length } : {};
}
