/** One page of a bucket listing (prefix, delimiter, marker, max-keys), as ListObjects(V2) compute it. Pure. */

export interface ListPageInput {
  /** All keys of the bucket, sorted. */
  keys: readonly string[];
  prefix: string;
  delimiter: string;
  /** Exclusive: the page starts after this key or common prefix. */
  after: string;
  maxKeys: number;
}

export interface ListPage {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned: where the next page starts. */
  last?: string;
}

/** First index whose key is >= x (strict: > x), by binary search over the sorted keys. */
function bound(keys: readonly string[], x: string, strict: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < x || (strict && keys[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function listPage({ keys, prefix, delimiter, after, maxKeys }: ListPageInput): ListPage {
  const page: ListPage = { keys: [], commonPrefixes: [], isTruncated: false };
  let i = bound(keys, prefix, false);
  if (after) i = Math.max(i, bound(keys, after, true));
  let count = 0;
  for (; i < keys.length; i++) {
    const key = keys[i]!;
    if (!key.startsWith(prefix)) break;
    let entry = key;
    let isPrefix = false;
    if (delimiter) {
      const d = key.indexOf(delimiter, prefix.length);
      if (d >= 0) {
        entry = key.slice(0, d + delimiter.length);
        isPrefix = true;
        if (entry <= after || entry === page.commonPrefixes[page.commonPrefixes.length - 1]) continue;
      }
    }
    if (count === maxKeys) {
      // AWS: a page of max-keys=0 is empty and not truncated, whatever the bucket holds.
      page.isTruncated = maxKeys > 0;
      break;
    }
    if (isPrefix) page.commonPrefixes.push(entry);
    else page.keys.push(entry);
    page.last = entry;
    count++;
  }
  return page;
}

/** A page size given as max-uploads or max-parts: a whole number up to 1000 (0 is an empty page); anything else is the default 1000. */
export function pageSize(raw: string | null): number {
  return raw !== null && /^\d+$/.test(raw) ? Math.min(Number(raw), 1000) : 1000;
}
