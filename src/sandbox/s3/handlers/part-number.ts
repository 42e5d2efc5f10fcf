/** `?partNumber=N` on GET/HEAD: the bytes of one part of the object, as S3 answers it. */
import { S3Error } from '../errors.js';
import type { ObjectMeta } from '../store.js';

export interface PartSlice {
  start: number;
  end: number;
  /** Set for an object made by multipart upload (`x-amz-mp-parts-count`); a single PUT is one part and has none. */
  partsCount?: number;
}

/** The parts of an object: its segments for a multipart one (ETag `md5-N`), the whole object otherwise. */
export function partSlice(obj: ObjectMeta, raw: string | null, range: string | undefined): PartSlice | undefined {
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10000) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', 400, {
      ArgumentName: 'partNumber',
      ArgumentValue: raw,
    });
  }
  if (range !== undefined) throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
  const multipart = /-\d+$/.test(obj.etag);
  const sizes = multipart ? obj.segments.map((s) => s.size) : [obj.size];
  if (n > sizes.length) {
    throw new S3Error('InvalidPartNumber', 'The requested partnumber is not satisfiable', 416, {
      PartNumberRequested: n,
      ActualPartCount: sizes.length,
    });
  }
  const start = sizes.slice(0, n - 1).reduce((a, b) => a + b, 0);
  return { start, end: start + sizes[n - 1]! - 1, ...(multipart ? { partsCount: sizes.length } : {}) };
}
