/** Multipart uploads: create, upload part (and part copy), complete, abort, list uploads and parts. */
import { createHash, randomBytes } from 'node:crypto';
import { receiveBody, receiveSmallBody } from '../body.js';
import { BodyDigests, checksumHeader, toChecksumAlgorithm, type ChecksumAlgorithm } from '../checksums.js';
import { S3Error } from '../errors.js';
import { header, quoteEtag, sendEmpty, sendXml, unquoteEtag, type S3Call } from '../http.js';
import type { CompletedUpload, ObjectMeta, PartMeta, UploadMeta } from '../store.js';
import { parseRequestXml, s3Xml, xmlDate } from '../xml.js';
import { pageSize } from '../list.js';
import { SANDBOX_OWNER_ID } from '../event-record.js';
import { copyIntoBlob, parseCopySource } from './copy-source.js';
import { copySourceFailure } from './conditions.js';
import { encodeKeyForUrl, objectHeadersFrom, requestBaseUrl, requireBucket, requireKey, SSE, type S3Deps } from './common.js';
import { accessFromHeaders } from './access.js';
import { listedStorageClass, storageClassFromHeaders } from '../storage-class.js';
import { requireCopyableSource } from './restore.js';
import { recordVersionId } from '../versioning.js';
import { copySourceVersion, copySourceVersionHeader, expirationHeaders, writeVersionId, writtenVersionHeader } from './versioning.js';

export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PART_SIZE = 5 * 1024 ** 3;
const owner = { ID: SANDBOX_OWNER_ID, DisplayName: 'sandbox' };

const noSuchUpload = (id: string) =>
  new S3Error(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    404,
    { UploadId: id },
  );

function requireUpload(deps: S3Deps, call: S3Call) {
  const id = call.target.query.get('uploadId') ?? '';
  const upload = deps.store.getUpload(id);
  if (!upload || upload.meta.bucket !== call.target.bucket || upload.meta.key !== call.target.key) throw noSuchUpload(id);
  return upload;
}

/** The remembered result when this request names an upload completed a moment ago (same bucket and key). */
function completedHere(deps: S3Deps, call: S3Call): CompletedUpload | undefined {
  const done = deps.store.completedUpload(call.target.query.get('uploadId') ?? '');
  return done && done.bucket === call.target.bucket && done.key === call.target.key ? done : undefined;
}

/** Commits a part inside the upload's exclusive section: NoSuchUpload when Complete or Abort ended it meanwhile. */
async function commitPart(deps: S3Deps, uploadId: string, part: PartMeta): Promise<void> {
  if (!(await deps.store.exclusive(uploadId, () => deps.store.putPart(uploadId, part)))) throw noSuchUpload(uploadId);
}

function partNumberParam(call: S3Call): number {
  const raw = call.target.query.get('partNumber') ?? '';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10000) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', 400, {
      ArgumentName: 'partNumber',
      ArgumentValue: raw,
    });
  }
  return n;
}

export async function createMultipartUpload(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  const key = requireKey(call);
  const algorithm = toChecksumAlgorithm(header(call.req, 'x-amz-checksum-algorithm'));
  const meta: UploadMeta = {
    ...objectHeadersFrom(call),
    ...accessFromHeaders(call),
    ...storageClassFromHeaders(call.req.headers),
    // Only [A-Za-z0-9]: an id starting with '-' reads as an option to CLI argument parsers.
    uploadId: randomBytes(36).toString('base64url').replace(/[-_]/g, 'x'),
    bucket: bucket.name,
    key,
    initiated: new Date().toISOString(),
    checksumAlgorithm: algorithm,
  };
  await deps.store.createUpload(meta);
  const headers: Record<string, string> = algorithm ? { 'x-amz-checksum-algorithm': algorithm, 'x-amz-checksum-type': 'COMPOSITE' } : {};
  sendXml(call, s3Xml('InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: meta.uploadId }), 200, headers);
}

export async function uploadPart(deps: S3Deps, call: S3Call): Promise<void> {
  requireBucket(deps, call);
  const upload = requireUpload(deps, call);
  const partNumber = partNumberParam(call);
  const body = await receiveBody(call.req, deps.store.blobs, { checksumAlgorithm: upload.meta.checksumAlgorithm, maxSize: MAX_PART_SIZE });
  const alg = upload.meta.checksumAlgorithm;
  const part: PartMeta = {
    partNumber,
    size: body.size,
    etag: body.md5Hex,
    lastModified: new Date().toISOString(),
    checksum: alg ? body.checksums[alg] : undefined,
    blob: body.blob,
    offset: body.offset,
  };
  await commitPart(deps, upload.meta.uploadId, part);
  const headers: Record<string, string> = { ETag: quoteEtag(part.etag), ...SSE };
  for (const [a, v] of Object.entries(body.checksums)) headers[checksumHeader(a as ChecksumAlgorithm)] = v!;
  sendEmpty(call, 200, headers);
}

export async function uploadPartCopy(deps: S3Deps, call: S3Call): Promise<void> {
  requireBucket(deps, call);
  const upload = requireUpload(deps, call);
  const partNumber = partNumberParam(call);
  const src = parseCopySource(header(call.req, 'x-amz-copy-source')!);
  const srcBucket = deps.store.getBucket(src.bucket);
  if (!srcBucket) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: src.bucket });
  const source = copySourceVersion(deps, srcBucket, src.key, src.versionId);
  requireCopyableSource(source);
  const failed = copySourceFailure(call.req.headers, source.etag, new Date(source.lastModified));
  if (failed) {
    throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: failed });
  }
  const rangeHeader = header(call.req, 'x-amz-copy-source-range');
  let start = 0;
  let end = source.size - 1;
  if (rangeHeader) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(rangeHeader.trim());
    if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) >= source.size) {
      throw new S3Error(
        'InvalidArgument',
        'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
        400,
        {
          ArgumentName: 'x-amz-copy-source-range',
          ArgumentValue: rangeHeader,
        },
      );
    }
    start = Number(m[1]);
    end = Number(m[2]);
  }
  const alg = upload.meta.checksumAlgorithm;
  const copied = await copyIntoBlob(deps.store.blobs, source.segments, alg ? [alg] : [], start, end);
  const part: PartMeta = {
    partNumber,
    size: copied.size,
    etag: copied.md5Hex,
    lastModified: new Date().toISOString(),
    checksum: alg ? copied.checksums[alg] : undefined,
    blob: copied.blob,
  };
  await commitPart(deps, upload.meta.uploadId, part);
  const result: Record<string, unknown> = { LastModified: xmlDate(part.lastModified), ETag: quoteEtag(part.etag) };
  if (alg && part.checksum) result[`Checksum${alg}`] = part.checksum;
  sendXml(call, s3Xml('CopyPartResult', result), 200, copySourceVersionHeader(srcBucket, source));
}

interface RequestedPart {
  partNumber: number;
  etag: string;
}

function requestedParts(xml: string): RequestedPart[] {
  const doc = parseRequestXml(xml, 'CompleteMultipartUpload');
  const parts = (doc.Part as unknown[] | undefined) ?? [];
  return parts.map((p) => {
    const node = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
    const n = Number(typeof node.PartNumber === 'string' ? node.PartNumber.trim() : NaN);
    if (!Number.isInteger(n) || typeof node.ETag !== 'string') {
      throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    }
    return { partNumber: n, etag: unquoteEtag(node.ETag) };
  });
}

/** Picks the stored parts a Complete names, with AWS's checks, in AWS's order of checks. */
export function selectParts(requested: RequestedPart[], stored: ReadonlyMap<number, PartMeta>): PartMeta[] {
  if (requested.length === 0) throw new S3Error('InvalidRequest', 'You must specify at least one part');
  for (let i = 1; i < requested.length; i++) {
    if (requested[i]!.partNumber <= requested[i - 1]!.partNumber) {
      throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.');
    }
  }
  const parts = requested.map((r) => {
    const part = stored.get(r.partNumber);
    if (!part || part.etag !== r.etag) {
      throw new S3Error(
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        400,
        { PartNumber: r.partNumber, ETag: r.etag },
      );
    }
    return part;
  });
  parts.slice(0, -1).forEach((p) => {
    if (p.size < MIN_PART_SIZE) {
      throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, {
        ProposedSize: p.size,
        MinSizeAllowed: MIN_PART_SIZE,
        PartNumber: p.partNumber,
        ETag: p.etag,
      });
    }
  });
  return parts;
}

/** hex(md5(concat(binary part md5s)))-N */
export function multipartEtag(partEtags: string[]): string {
  const md5 = createHash('md5');
  for (const e of partEtags) md5.update(Buffer.from(e, 'hex'));
  return `${md5.digest('hex')}-${partEtags.length}`;
}

/** CRC64NVME has no composite form on AWS (its multipart checksum is FULL_OBJECT): none is given for it here. */
async function compositeChecksum(alg: ChecksumAlgorithm, parts: PartMeta[]): Promise<string | undefined> {
  if (alg === 'CRC64NVME' || parts.some((p) => !p.checksum)) return undefined;
  const d = new BodyDigests([alg]);
  for (const p of parts) d.update(Buffer.from(p.checksum!, 'base64'));
  const value = (await d.result()).checksums[alg];
  return value ? `${value}-${parts.length}` : undefined;
}

/**
 * Serialised with Abort and UploadPart per upload id: Abort first -> NoSuchUpload; Complete first ->
 * the object is whole and a later Complete answers the same result, as AWS does for a while.
 */
export async function completeMultipartUpload(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  if (!completedHere(deps, call)) requireUpload(deps, call);
  const requested = requestedParts(await receiveSmallBody(call.req));
  const id = call.target.query.get('uploadId') ?? '';
  const outcome = await deps.store.exclusive(id, async () => {
    const done = completedHere(deps, call);
    if (done) return { done, fresh: undefined };
    const upload = requireUpload(deps, call);
    const parts = selectParts(requested, upload.parts);
    const alg = upload.meta.checksumAlgorithm;
    const checksum = alg ? await compositeChecksum(alg, parts) : undefined;
    const { uploadId: _id, bucket: _b, initiated: _i, checksumAlgorithm: _a, ...headers } = upload.meta;
    const versionId = writeVersionId(deps.store.getBucket(bucket.name) ?? bucket);
    const obj: ObjectMeta = {
      ...headers,
      ...(versionId ? { versionId } : {}),
      size: parts.reduce((n, p) => n + p.size, 0),
      etag: multipartEtag(parts.map((p) => p.etag)),
      lastModified: new Date().toISOString(),
      checksum: alg && checksum ? { algorithm: alg, value: checksum, type: 'COMPOSITE' } : undefined,
      segments: parts.map((p) => ({ blob: p.blob, size: p.size, offset: p.offset })),
    };
    await deps.store.putObject(bucket.name, obj);
    await deps.store.finishUpload(id, bucket.name, obj);
    return { done: deps.store.completedUpload(id)!, fresh: obj };
  });
  const { done, fresh } = outcome;
  const result: Record<string, unknown> = {
    Location: `${requestBaseUrl(call)}/${bucket.name}/${encodeKeyForUrl(done.key)}`,
    Bucket: bucket.name,
    Key: done.key,
    ETag: quoteEtag(done.etag),
  };
  if (done.checksum) {
    result[`Checksum${done.checksum.algorithm}`] = done.checksum.value;
    result.ChecksumType = 'COMPOSITE';
  }
  sendXml(call, s3Xml('CompleteMultipartUploadResult', result), 200, {
    ...SSE,
    ...writtenVersionHeader(done),
    ...(fresh ? expirationHeaders(deps, bucket, fresh) : {}),
  });
  if (fresh) {
    deps.events.publish(bucket, 'ObjectCreated:CompleteMultipartUpload', fresh.key, call, {
      size: fresh.size,
      etag: fresh.etag,
      versionId: recordVersionId(fresh),
    });
  }
}

/** Serialised with Complete per upload id; an upload completed a moment ago answers 204 and its object stays. */
export async function abortMultipartUpload(deps: S3Deps, call: S3Call): Promise<void> {
  requireBucket(deps, call);
  const id = call.target.query.get('uploadId') ?? '';
  await deps.store.exclusive(id, async () => {
    if (completedHere(deps, call)) return;
    requireUpload(deps, call);
    await deps.store.deleteUpload(id, true);
  });
  sendEmpty(call, 204);
}

export async function listMultipartUploads(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  const q = call.target.query;
  const prefix = q.get('prefix') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const idMarker = q.get('upload-id-marker') ?? '';
  const max = pageSize(q.get('max-uploads'));
  const all = deps.store
    .listUploads(bucket.name)
    .filter((u) => u.key.startsWith(prefix))
    .filter((u) => !keyMarker || u.key > keyMarker || (u.key === keyMarker && idMarker !== '' && u.uploadId > idMarker));
  const page = all.slice(0, max);
  const truncated = max > 0 && all.length > max;
  const last = page[page.length - 1];
  sendXml(
    call,
    s3Xml('ListMultipartUploadsResult', {
      Bucket: bucket.name,
      KeyMarker: keyMarker,
      UploadIdMarker: idMarker,
      ...(truncated && last ? { NextKeyMarker: last.key, NextUploadIdMarker: last.uploadId } : {}),
      Prefix: prefix,
      MaxUploads: max,
      IsTruncated: truncated,
      Upload: page.map((u) => ({
        Key: u.key,
        UploadId: u.uploadId,
        Initiator: owner,
        Owner: owner,
        StorageClass: listedStorageClass(u.storageClass),
        Initiated: xmlDate(u.initiated),
        ...(u.checksumAlgorithm ? { ChecksumAlgorithm: u.checksumAlgorithm } : {}),
      })),
    }),
  );
}

export async function listParts(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  const upload = requireUpload(deps, call);
  const q = call.target.query;
  const marker = Number(q.get('part-number-marker') ?? 0) || 0;
  const max = pageSize(q.get('max-parts'));
  const all = [...upload.parts.values()].filter((p) => p.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, max);
  const truncated = max > 0 && all.length > max;
  const alg = upload.meta.checksumAlgorithm;
  sendXml(
    call,
    s3Xml('ListPartsResult', {
      Bucket: bucket.name,
      Key: upload.meta.key,
      UploadId: upload.meta.uploadId,
      PartNumberMarker: marker,
      ...(page.length ? { NextPartNumberMarker: page[page.length - 1]!.partNumber } : {}),
      MaxParts: max,
      IsTruncated: truncated,
      Part: page.map((p) => ({
        PartNumber: p.partNumber,
        LastModified: xmlDate(p.lastModified),
        ETag: quoteEtag(p.etag),
        Size: p.size,
        ...(alg && p.checksum ? { [`Checksum${alg}`]: p.checksum } : {}),
      })),
      Initiator: owner,
      Owner: owner,
      StorageClass: listedStorageClass(upload.meta.storageClass),
      ...(alg ? { ChecksumAlgorithm: alg } : {}),
    }),
  );
}
