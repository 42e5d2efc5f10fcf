/** The x-amz-copy-source header and streaming an object's bytes (all or a range) into a new blob. */
import { Readable, Transform } from 'node:stream';
import { S3Error } from '../errors.js';
import { BodyDigests, type ChecksumAlgorithm } from '../checksums.js';
import type { BlobStore } from '../blobs.js';
import type { Segment } from '../store.js';

/** `bucket/key`, `/bucket/key`, raw or percent-encoded, optional `?versionId=` (returned). Percent-decoding only: '+' stays '+'. */
export function parseCopySource(raw: string): { bucket: string; key: string; versionId?: string } {
  const version = /\?versionId=([^/]*)$/.exec(raw);
  const noVersion = version ? raw.slice(0, version.index) : raw;
  let decoded: string;
  try {
    decoded = decodeURIComponent(noVersion);
  } catch {
    decoded = noVersion;
  }
  const path = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) {
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 400, {
      ArgumentName: 'x-amz-copy-source',
      ArgumentValue: raw,
    });
  }
  const versionId = version ? safeDecode(version[1]!) : undefined;
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1), ...(versionId !== undefined ? { versionId } : {}) };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The bytes [start, end] of an object made of segments, as one stream. Caller retains the blobs. */
export function segmentStream(blobs: BlobStore, segments: Segment[], start = 0, end?: number): Readable {
  const last = end ?? segments.reduce((n, s) => n + s.size, 0) - 1;
  async function* bytes() {
    let offset = 0;
    for (const seg of segments) {
      const segStart = offset;
      const segEnd = offset + seg.size - 1;
      offset += seg.size;
      if (seg.size === 0 || segEnd < start || segStart > last) continue;
      const base = seg.offset ?? 0;
      yield* blobs.read(seg.blob, base + Math.max(start, segStart) - segStart, base + Math.min(last, segEnd) - segStart);
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}

/** Copies [start, end] of an object into a new blob, computing MD5 and the given checksum. */
export async function copyIntoBlob(
  blobs: BlobStore,
  segments: Segment[],
  algorithms: ChecksumAlgorithm[],
  start?: number,
  end?: number,
): Promise<{ blob: string; size: number; md5Hex: string; checksums: Partial<Record<ChecksumAlgorithm, string>> }> {
  const ids = segments.map((s) => s.blob);
  blobs.retain(ids);
  try {
    const digests = new BodyDigests(algorithms);
    const tap = new Transform({
      transform(chunk: Buffer, _e, done) {
        digests.update(chunk);
        done(null, chunk);
      },
    });
    const blob = await blobs.write(segmentStream(blobs, segments, start, end), [tap]);
    const r = await digests.result();
    return { blob, size: r.size, md5Hex: r.md5.toString('hex'), checksums: r.checksums };
  } finally {
    blobs.release(ids);
  }
}
