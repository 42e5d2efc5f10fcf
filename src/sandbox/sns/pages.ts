/** ListTopics / ListSubscriptions paging: 100 a page, NextToken the base64url of the last ARN of the page. */
import { SnsError } from './errors.js';

export const PAGE_SIZE = 100;

/** The page after `token` of `items` (sorted by ARN); `next` when more follow. Errors: InvalidParameter `Invalid token`. */
export function page<T>(items: T[], arnOf: (t: T) => string, token: string | null): { items: T[]; next?: string } {
  const sorted = [...items].sort((a, b) => arnOf(a).localeCompare(arnOf(b)));
  let start = 0;
  if (token) {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    if (!after.startsWith('arn:')) throw new SnsError('InvalidParameter', 'Invalid token');
    start = sorted.findIndex((t) => arnOf(t).localeCompare(after) > 0);
    if (start < 0) start = sorted.length;
  }
  const slice = sorted.slice(start, start + PAGE_SIZE);
  const more = start + PAGE_SIZE < sorted.length;
  return { items: slice, ...(more ? { next: Buffer.from(arnOf(slice[slice.length - 1]!)).toString('base64url') } : {}) };
}
