/** Object operations: Put, Get, Head, Copy, Delete, DeleteObjects. */
import { pipeline } from 'node:stream/promises';
import { receiveBody, receiveSmallBody } from '../body.js';
import { checksumHeader, toChecksumAlgorithm, type ChecksumAlgorithm } from '../checksums.js';
import { S3Error } from '../errors.js';
import { header, quoteEtag, requireHeaderSafe, sendEmpty, sendXml, type S3Call } from '../http.js';
import { parseRange } from '../range.js';
import type { BucketMeta, ObjectMeta, StoredChecksum } from '../store.js';
import { malformedXml, parseRequestXml, s3Xml, xmlDate } from '../xml.js';
import { copyIntoBlob, parseCopySource, segmentStream } from './copy-source.js';
import { objectHeadersFrom, requireBucket, requireKey, SSE, type S3Deps } from './common.js';
import { copySourceFailure, preconditionOutcome } from './conditions.js';
import { partSlice } from './part-number.js';
import { accessFromHeaders, copiedAccess } from './access.js';
import { taggingCountHeader } from '../tagging.js';
import { storageClassFromHeaders } from '../storage-class.js';
import { archiveHeaders, requireCopyableSource, requireReadable } from './restore.js';
import { NULL_VERSION, recordVersionId, shownVersionId } from '../versioning.js';
import {
  copySourceVersion,
  copySourceVersionHeader,
  DELETE_MARKER_ETAG,
  expirationHeaders,
  invalidVersionId,
  noSuchVersion,
  readVersionHeader,
  versionIdParam,
  versionToRead,
  writeVersionId,
  writtenVersionHeader,
} from './versioning.js';

function checksumHeaders(checksums: Partial<Record<ChecksumAlgorithm, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [alg, v] of Object.entries(checksums)) out[checksumHeader(alg as ChecksumAlgorithm)] = v!;
  if (Object.keys(out).length) out['x-amz-checksum-type'] = 'FULL_OBJECT';
  return out;
}

/** The one checksum stored with an object: the SDK's declared algorithm, else the first sent. */
function pickChecksum(call: S3Call, checksums: Partial<Record<ChecksumAlgorithm, string>>): StoredChecksum | undefined {
  const preferred = toChecksumAlgorithm(header(call.req, 'x-amz-sdk-checksum-algorithm'));
  const alg = preferred && checksums[preferred] ? preferred : (Object.keys(checksums)[0] as ChecksumAlgorithm | undefined);
  return alg ? { algorithm: alg, value: checksums[alg]!, type: 'FULL_OBJECT' } : undefined;
}

export async function putObject(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  const key = requireKey(call);
  const ifNoneMatch = header(call.req, 'if-none-match');
  if (ifNoneMatch === '*' && deps.store.getObject(bucket.name, key)) {
    throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {
      Condition: 'If-None-Match',
    });
  }
  const headers = objectHeadersFrom(call);
  const access = accessFromHeaders(call);
  const archive = storageClassFromHeaders(call.req.headers);
  const body = await receiveBody(call.req, deps.store.blobs);
  const versionId = writeVersionId(bucket);
  const obj: ObjectMeta = {
    ...headers,
    ...access,
    ...archive,
    ...(versionId ? { versionId } : {}),
    key,
    size: body.size,
    etag: body.md5Hex,
    lastModified: new Date().toISOString(),
    checksum: pickChecksum(call, body.checksums),
    segments: [{ blob: body.blob, size: body.size, offset: body.offset }],
  };
  await deps.store.putObject(bucket.name, obj);
  sendEmpty(call, 200, {
    ETag: quoteEtag(obj.etag),
    ...SSE,
    ...checksumHeaders(body.checksums),
    ...writtenVersionHeader(obj),
    ...expirationHeaders(deps, bucket, obj),
  });
  deps.events.publish(bucket, 'ObjectCreated:Put', key, call, { size: obj.size, etag: obj.etag, versionId: recordVersionId(obj) });
}

const RESPONSE_OVERRIDES = ['content-type', 'content-encoding', 'content-disposition', 'content-language', 'cache-control', 'expires'];

function objectResponseHeaders(call: S3Call, obj: ObjectMeta): Record<string, string | number> {
  const q = call.target.query;
  for (const name of RESPONSE_OVERRIDES) {
    const value = q.get(`response-${name}`);
    if (value !== null) requireHeaderSafe(name, value, `response-${name}`);
  }
  const h: Record<string, string | number> = {
    ETag: quoteEtag(obj.etag),
    'Last-Modified': new Date(obj.lastModified).toUTCString(),
    'Accept-Ranges': 'bytes',
    ...SSE,
    'Content-Type': q.get('response-content-type') ?? obj.contentType ?? 'binary/octet-stream',
  };
  const optional: [string, string | undefined][] = [
    ['Content-Encoding', q.get('response-content-encoding') ?? obj.contentEncoding],
    ['Content-Disposition', q.get('response-content-disposition') ?? obj.contentDisposition],
    ['Content-Language', q.get('response-content-language') ?? obj.contentLanguage],
    ['Cache-Control', q.get('response-cache-control') ?? obj.cacheControl],
    ['Expires', q.get('response-expires') ?? obj.expires],
  ];
  for (const [name, value] of optional) if (value) h[name] = value;
  for (const [name, value] of Object.entries(obj.metadata)) h[`x-amz-meta-${name}`] = value;
  if (obj.segments.length > 1) h['x-amz-mp-parts-count'] = obj.segments.length;
  return { ...h, ...taggingCountHeader(obj.tags), ...archiveHeaders(obj) };
}

/** GetObject and HeadObject. */
export async function getObject(deps: S3Deps, call: S3Call, withBody: boolean): Promise<void> {
  const bucket = requireBucket(deps, call);
  const key = requireKey(call);
  const obj = versionToRead(deps, call, bucket, key);
  if (withBody) requireReadable(call, obj);
  const current = call.target.query.get('versionId') === null;
  const headers = {
    ...objectResponseHeaders(call, obj),
    ...(current ? expirationHeaders(deps, bucket, obj) : {}),
    ...readVersionHeader(bucket, obj),
  };
  const outcome = preconditionOutcome(call.req.headers, obj.etag, new Date(obj.lastModified));
  if (outcome === 304) return sendEmpty(call, 304, { ETag: headers.ETag!, 'Last-Modified': headers['Last-Modified']! });
  if (outcome === 412) {
    throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {
      Condition: 'If-Match',
    });
  }
  const part = partSlice(obj, call.target.query.get('partNumber'), header(call.req, 'range'));
  const range = part ? (part.partsCount ? part : undefined) : parseRange(header(call.req, 'range'), obj.size);
  if (range === 'unsatisfiable') {
    throw new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, {
      RangeRequested: header(call.req, 'range')!,
      ActualObjectSize: obj.size,
    });
  }
  const { res } = call;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (part?.partsCount) res.setHeader('x-amz-mp-parts-count', part.partsCount);
  if (!range && obj.checksum && header(call.req, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    res.setHeader(checksumHeader(obj.checksum.algorithm), obj.checksum.value);
    res.setHeader('x-amz-checksum-type', obj.checksum.type);
  }
  const start = range ? range.start : 0;
  const end = range ? range.end : obj.size - 1;
  res.statusCode = range ? 206 : 200;
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${obj.size}`);
  res.setHeader('Content-Length', Math.max(0, end - start + 1));
  if (!withBody || end < start) {
    res.end();
    return;
  }
  const ids = obj.segments.map((s) => s.blob);
  deps.store.blobs.retain(ids);
  try {
    await pipeline(segmentStream(deps.store.blobs, obj.segments, start, end), res);
  } catch {
    res.destroy();
  } finally {
    deps.store.blobs.release(ids);
  }
}

const SELF_COPY =
  "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.";

export async function copyObject(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  const key = requireKey(call);
  const src = parseCopySource(header(call.req, 'x-amz-copy-source')!);
  const srcBucket = deps.store.getBucket(src.bucket);
  if (!srcBucket) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: src.bucket });
  const source = copySourceVersion(deps, srcBucket, src.key, src.versionId);
  requireCopyableSource(source);
  const failed = copySourceFailure(call.req.headers, source.etag, new Date(source.lastModified));
  if (failed) {
    throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: failed });
  }
  const directive = (header(call.req, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new S3Error('InvalidArgument', 'Unknown metadata directive.', 400, {
      ArgumentName: 'x-amz-metadata-directive',
      ArgumentValue: directive,
    });
  }
  const access = copiedAccess(call, source);
  const archive = storageClassFromHeaders(call.req.headers);
  // A storage class header, even the source's own, makes a copy onto itself a change (AWS-recorded).
  const changesClass = header(call.req, 'x-amz-storage-class') !== undefined;
  // Copying an older version onto its own key is how a version is restored: only the current one is a self-copy.
  const selfCopy =
    src.bucket === bucket.name && src.key === key && (src.versionId === undefined || source === deps.store.getObject(bucket.name, key));
  if (selfCopy && directive === 'COPY' && !changesClass) throw new S3Error('InvalidRequest', SELF_COPY);
  const algorithm = toChecksumAlgorithm(header(call.req, 'x-amz-checksum-algorithm')) ?? source.checksum?.algorithm;
  const copied = await copyIntoBlob(deps.store.blobs, source.segments, algorithm ? [algorithm] : []);
  const headers =
    directive === 'REPLACE'
      ? objectHeadersFrom(call)
      : {
          contentType: source.contentType,
          contentEncoding: source.contentEncoding,
          contentDisposition: source.contentDisposition,
          contentLanguage: source.contentLanguage,
          cacheControl: source.cacheControl,
          expires: source.expires,
          metadata: source.metadata,
        };
  const checksumValue = algorithm ? copied.checksums[algorithm] : undefined;
  const versionId = writeVersionId(bucket);
  const obj: ObjectMeta = {
    ...headers,
    ...access,
    ...archive,
    ...(versionId ? { versionId } : {}),
    key,
    size: copied.size,
    etag: copied.md5Hex,
    lastModified: new Date().toISOString(),
    checksum: algorithm && checksumValue ? { algorithm, value: checksumValue, type: 'FULL_OBJECT' } : undefined,
    segments: [{ blob: copied.blob, size: copied.size }],
  };
  await deps.store.putObject(bucket.name, obj);
  const result: Record<string, unknown> = { LastModified: xmlDate(obj.lastModified), ETag: quoteEtag(obj.etag) };
  if (obj.checksum) {
    result[`Checksum${obj.checksum.algorithm}`] = obj.checksum.value;
    result.ChecksumType = 'FULL_OBJECT';
  }
  sendXml(call, s3Xml('CopyObjectResult', result), 200, {
    ...SSE,
    ...expirationHeaders(deps, bucket, obj),
    ...writtenVersionHeader(obj),
    ...copySourceVersionHeader(srcBucket, source),
  });
  deps.events.publish(bucket, 'ObjectCreated:Copy', key, call, { size: obj.size, etag: obj.etag, versionId: recordVersionId(obj) });
}

/** What deleting one key (and maybe one version of it) did: AWS's response fields and the record to publish. */
interface DeleteOutcome {
  /** The version removed or the delete marker created (its shown id). */
  versionId?: string;
  deleteMarker?: boolean;
  event?: { name: 'ObjectRemoved:Delete' | 'ObjectRemoved:DeleteMarkerCreated'; versionId?: string; etag?: string };
}

/**
 * One delete, as AWS does it. No version: a never-versioned bucket loses the object (ObjectRemoved:Delete even when
 * there was none); an Enabled one gets a delete marker with a new id, a Suspended one a null marker (replacing the
 * null version). A version id: that version (or marker) is removed for good. Throws InvalidArgument for an id the key never had (single DELETE);
 * DeleteObjects turns that into a NoSuchVersion entry.
 */
async function deleteOne(deps: S3Deps, bucket: BucketMeta, key: string, versionId: string | undefined): Promise<DeleteOutcome> {
  if (versionId === undefined) {
    if (!bucket.versioning) {
      // A key that is not there gets its event too: AWS answers 204 and publishes s3:ObjectRemoved:Delete for it
      // (MinIO changed to match S3 in minio/minio PR #19037, "Send a bucket notification event on DeleteObject()
      // for non-existing object").
      await deps.store.deleteObject(bucket.name, key);
      return { event: { name: 'ObjectRemoved:Delete' } };
    }
    const marker: ObjectMeta = {
      key,
      size: 0,
      etag: DELETE_MARKER_ETAG,
      lastModified: new Date().toISOString(),
      metadata: {},
      segments: [],
      isDeleteMarker: true,
      ...(bucket.versioning === 'Enabled' ? { versionId: writeVersionId(bucket)! } : {}),
    };
    await deps.store.addDeleteMarker(bucket.name, marker);
    return {
      versionId: shownVersionId(marker),
      deleteMarker: true,
      event: { name: 'ObjectRemoved:DeleteMarkerCreated', versionId: recordVersionId(marker), etag: DELETE_MARKER_ETAG },
    };
  }
  if (!bucket.versioning && versionId !== NULL_VERSION) throw invalidVersionId(versionId);
  const stack = deps.store.getVersions(bucket.name, key);
  const target = stack.find((v) => shownVersionId(v) === versionId);
  if (!target) {
    if (stack.length === 0 || versionId === NULL_VERSION) return bucket.versioning ? { versionId } : {};
    throw invalidVersionId(versionId);
  }
  const removed = await deps.store.deleteObject(bucket.name, key, target.versionId);
  const shown = bucket.versioning ? { versionId } : {};
  if (!removed) return shown;
  return {
    ...shown,
    ...(removed.isDeleteMarker ? { deleteMarker: true } : {}),
    event: { name: 'ObjectRemoved:Delete', versionId: recordVersionId(removed) },
  };
}

function publishDelete(deps: S3Deps, bucket: BucketMeta, key: string, call: S3Call, outcome: DeleteOutcome): void {
  const e = outcome.event;
  if (e) deps.events.publish(bucket, e.name, key, call, { versionId: e.versionId, etag: e.etag });
}

export async function deleteObject(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  const key = requireKey(call);
  const outcome = await deleteOne(deps, bucket, key, versionIdParam(call));
  sendEmpty(call, 204, {
    ...(outcome.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
    ...(outcome.versionId !== undefined ? { 'x-amz-version-id': outcome.versionId } : {}),
  });
  publishDelete(deps, bucket, key, call, outcome);
}

export async function deleteObjects(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  const doc = parseRequestXml(await receiveSmallBody(call.req), 'Delete');
  const objects = (doc.Object as unknown[] | undefined) ?? [];
  if (objects.length === 0 || objects.length > 1000) throw malformedXml();
  const targets = objects.map((o) => {
    const node = typeof o === 'object' && o !== null ? (o as Record<string, unknown>) : {};
    const key = node.Key;
    if (typeof key !== 'string' || key === '') throw malformedXml();
    const versionId = typeof node.VersionId === 'string' ? node.VersionId.trim() : undefined;
    return { key, versionId };
  });
  const quiet =
    String(doc.Quiet ?? '')
      .trim()
      .toLowerCase() === 'true';
  const deleted: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  const published: [string, DeleteOutcome][] = [];
  for (const { key, versionId } of targets) {
    let outcome: DeleteOutcome;
    try {
      outcome = await deleteOne(deps, bucket, key, versionId);
    } catch (err) {
      if (!(err instanceof S3Error)) throw err;
      const e = noSuchVersion(key, versionId ?? '');
      errors.push({ Key: key, VersionId: versionId, Code: e.code, Message: e.message });
      continue;
    }
    published.push([key, outcome]);
    if (quiet) continue;
    deleted.push({
      Key: key,
      ...(versionId !== undefined ? { VersionId: versionId } : {}),
      ...(outcome.deleteMarker ? { DeleteMarker: true, DeleteMarkerVersionId: outcome.versionId } : {}),
    });
  }
  sendXml(call, s3Xml('DeleteResult', { Deleted: deleted, Error: errors }));
  for (const [key, outcome] of published) publishDelete(deps, bucket, key, call, outcome);
}
