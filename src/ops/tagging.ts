/**
 * The `x-amz-tagging` form of a tag set (`env=dev&team=a`) -> S3's TagSet, with S3's object-tag limits checked
 * before any request. Pure; no SDK import. AWS: PutObjectTagging and "Categorizing your storage using tags"
 * (at most 10 tags per object, keys 1-128 and values 0-256 Unicode characters counted in UTF-16, keys unique,
 * case-sensitive, the `aws:` key prefix reserved).
 */
import type { Tag } from '@aws-sdk/client-s3';

/** S3's limits on an object's tag set. */
export const MAX_TAGS = 10;
export const MAX_TAG_KEY = 128;
export const MAX_TAG_VALUE = 256;

/** What the user typed, shortened for a one-line message. */
const shown = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}...` : s).replace(/[\r\n\t]/g, ' ');

/** One form component, decoded as a query string is: `+` is a space, `%XX` is a UTF-8 byte. */
function decodeComponent(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * `env=dev&team=a%20b` -> `[{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'a b' }]`, or the one-line reason
 * it is not a tag set S3 takes. Every pair needs `=` (`key=` is an empty value, which S3 allows); an empty set is
 * refused (DELETE-TAGGING removes tags).
 */
export function parseTagSet(text: string): { tags: Tag[] } | { problem: string } {
  if (text.trim() === '') return { problem: 'no tags given: use key=value pairs joined by &, e.g. env=dev&team=a' };
  const tags: Tag[] = [];
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) return { problem: `'${shown(pair)}' is not key=value: use e.g. env=dev&team=a` };
    const key = decodeComponent(pair.slice(0, eq));
    const value = decodeComponent(pair.slice(eq + 1));
    if (key === undefined || value === undefined)
      return { problem: `'${shown(pair)}' has a malformed %-escape: use %XX with two hex digits` };
    if (key === '') return { problem: `'${shown(pair)}' has an empty key: a tag key is 1 to ${MAX_TAG_KEY} characters` };
    if (key.length > MAX_TAG_KEY)
      return { problem: `tag key '${shown(key)}' is ${key.length} characters: S3 allows at most ${MAX_TAG_KEY}` };
    if (value.length > MAX_TAG_VALUE)
      return { problem: `the value of tag '${shown(key)}' is ${value.length} characters: S3 allows at most ${MAX_TAG_VALUE}` };
    if (key.toLowerCase().startsWith('aws:')) return { problem: `tag key '${shown(key)}': the aws: prefix is reserved for AWS` };
    if (tags.some((t) => t.Key === key)) return { problem: `tag key '${shown(key)}' is given twice: keys must be unique` };
    tags.push({ Key: key, Value: value });
  }
  if (tags.length > MAX_TAGS) return { problem: `${tags.length} tags: S3 allows at most ${MAX_TAGS} per object` };
  return { tags };
}
