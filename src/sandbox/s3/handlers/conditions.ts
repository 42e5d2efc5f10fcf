/** Conditional request headers (RFC 7232 as S3 applies them): GET/HEAD's, and CopyObject's on its source. Pure. */
import type { IncomingHttpHeaders } from 'node:http';

const etagList = (v: string) => v.split(',').map((s) => s.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));

/** Which condition failed, and how: a false If-Match / If-Unmodified-Since is 412, a false If-None-Match / If-Modified-Since 304. */
export interface FailedCondition {
  status: 304 | 412;
  /** The header that decided, as AWS names it in `<Condition>`. */
  condition: string;
}

/**
 * If-Match decides over If-Unmodified-Since, If-None-Match over If-Modified-Since (RFC 7232 §6; AWS's
 * CopyObject reference states the same two combinations). `prefix` is `x-amz-copy-source-` for a copy's source.
 */
export function failedCondition(headers: IncomingHttpHeaders, etag: string, lastModified: Date, prefix = ''): FailedCondition | undefined {
  const get = (name: string) => {
    const v = headers[`${prefix}${name}`];
    return typeof v === 'string' ? v : undefined;
  };
  const name = (n: string) => (prefix ? `${prefix}${n}` : n.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase()));
  const seconds = Math.floor(lastModified.getTime() / 1000);
  const date = (v: string | undefined) => (v !== undefined && !Number.isNaN(Date.parse(v)) ? Math.floor(Date.parse(v) / 1000) : undefined);
  const ifMatch = get('if-match');
  const ifUnmodifiedSince = date(get('if-unmodified-since'));
  if (ifMatch !== undefined) {
    const list = etagList(ifMatch);
    if (!list.includes('*') && !list.includes(etag)) return { status: 412, condition: name('if-match') };
  } else if (ifUnmodifiedSince !== undefined && seconds > ifUnmodifiedSince) {
    return { status: 412, condition: name('if-unmodified-since') };
  }
  const ifNoneMatch = get('if-none-match');
  const ifModifiedSince = date(get('if-modified-since'));
  if (ifNoneMatch !== undefined) {
    const list = etagList(ifNoneMatch);
    if (list.includes('*') || list.includes(etag)) return { status: 304, condition: name('if-none-match') };
  } else if (ifModifiedSince !== undefined && seconds <= ifModifiedSince) {
    return { status: 304, condition: name('if-modified-since') };
  }
  return undefined;
}

/** GET/HEAD's outcome: 304, 412, or go on. */
export function preconditionOutcome(headers: IncomingHttpHeaders, etag: string, lastModified: Date): 304 | 412 | undefined {
  return failedCondition(headers, etag, lastModified)?.status;
}

/** CopyObject's source conditions: any that fails is 412 (a copy has no 304); the header named as AWS names it. */
export function copySourceFailure(headers: IncomingHttpHeaders, etag: string, lastModified: Date): string | undefined {
  return failedCondition(headers, etag, lastModified, 'x-amz-copy-source-')?.condition;
}
