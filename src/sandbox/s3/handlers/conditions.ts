/** Conditional GET/HEAD headers (RFC 7232 as S3 applies them). Pure. */
import type { IncomingHttpHeaders } from 'node:http';

const etagList = (v: string) => v.split(',').map((s) => s.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));

export function preconditionOutcome(headers: IncomingHttpHeaders, etag: string, lastModified: Date): 304 | 412 | undefined {
  const ifMatch = headers['if-match'];
  const ifNoneMatch = headers['if-none-match'];
  const ifModifiedSince = headers['if-modified-since'];
  const ifUnmodifiedSince = headers['if-unmodified-since'];
  const seconds = Math.floor(lastModified.getTime() / 1000);
  const dateSeconds = (v: string) => Math.floor(Date.parse(v) / 1000);
  if (typeof ifMatch === 'string') {
    const list = etagList(ifMatch);
    if (!list.includes('*') && !list.includes(etag)) return 412;
  } else if (typeof ifUnmodifiedSince === 'string' && !Number.isNaN(Date.parse(ifUnmodifiedSince))) {
    if (seconds > dateSeconds(ifUnmodifiedSince)) return 412;
  }
  if (typeof ifNoneMatch === 'string') {
    const list = etagList(ifNoneMatch);
    if (list.includes('*') || list.includes(etag)) return 304;
  } else if (typeof ifModifiedSince === 'string' && !Number.isNaN(Date.parse(ifModifiedSince))) {
    if (seconds <= dateSeconds(ifModifiedSince)) return 304;
  }
  return undefined;
}
