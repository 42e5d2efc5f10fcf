/**
 * Put/GetBucketVersioning, ListObjectVersions (`?versions`), and the version lookups the object handlers share:
 * which version a request names, the `x-amz-version-id` / `x-amz-delete-marker` headers, AWS's errors for each.
 */
import { receiveSmallBody } from '../body.js';
import { S3Error } from '../errors.js';
import { quoteEtag, sendEmpty, sendXml, type S3Call } from '../http.js';
import { SANDBOX_OWNER_ID } from '../event-record.js';
import type { BucketMeta, ObjectMeta } from '../store.js';
import { isVersionId, listVersionsPage, NULL_VERSION, newVersionId, parseVersioningXml, shownVersionId } from '../versioning.js';
import { s3Xml, xmlDate } from '../xml.js';
import { expirationHeader } from '../lifecycle.js';
import { lifecycleDayMs } from '../lifecycle-runner.js';
import { requireBucket, type Handler, type S3Deps } from './common.js';

const owner = { ID: SANDBOX_OWNER_ID, DisplayName: 'sandbox' };

/** The eTag AWS gives a delete marker in its records: the MD5 of an empty body. */
export const DELETE_MARKER_ETAG = 'd41d8cd98f00b204e9800998ecf8427e';

/** The version id a new write gets: a fresh one when versioning is Enabled; else the null version (undefined). */
export const writeVersionId = (bucket: BucketMeta): string | undefined => (bucket.versioning === 'Enabled' ? newVersionId() : undefined);

/** `x-amz-expiration` when a lifecycle rule will expire this current version (PUT, COPY, Complete, GET/HEAD without versionId). */
export function expirationHeaders(deps: S3Deps, bucket: BucketMeta, obj: ObjectMeta): Record<string, string> {
  const value = expirationHeader(bucket.lifecycle, obj, lifecycleDayMs(deps.ctx.timing.scale));
  return value ? { 'x-amz-expiration': value } : {};
}

/** `x-amz-version-id` on a write's response: only for a real id (AWS sends none for a Suspended bucket's null version). */
export const writtenVersionHeader = (obj: { versionId?: string }): Record<string, string> =>
  obj.versionId ? { 'x-amz-version-id': obj.versionId } : {};

/** `x-amz-version-id` on GET/HEAD: in a bucket that was ever versioned, the version's id or `null`; never otherwise. */
export const readVersionHeader = (bucket: BucketMeta, obj: ObjectMeta): Record<string, string> =>
  bucket.versioning ? { 'x-amz-version-id': shownVersionId(obj) } : {};

export const invalidVersionId = (id: string) =>
  new S3Error('InvalidArgument', 'Invalid version id specified', 400, { ArgumentName: 'versionId', ArgumentValue: id });

export const noSuchVersion = (key: string, id: string) =>
  new S3Error('NoSuchVersion', 'The specified version does not exist.', 404, { Key: key, VersionId: id });

/** The `versionId` query parameter; an empty one is refused as AWS does. */
export function versionIdParam(call: S3Call): string | undefined {
  const id = call.target.query.get('versionId');
  if (id === null) return undefined;
  if (id === '')
    throw new S3Error('InvalidArgument', 'Version id cannot be the empty string', 400, { ArgumentName: 'versionId', ArgumentValue: '' });
  return id;
}

/**
 * The version GET/HEAD reads. Without versionId: the current version; a current delete marker is 404 NoSuchKey
 * with `x-amz-delete-marker` and its id. With versionId: never-versioned buckets know only `null` (else 400
 * InvalidArgument); an unknown id is 404 NoSuchVersion; a delete marker's id is 405 MethodNotAllowed (Allow: DELETE).
 */
export function versionToRead(deps: S3Deps, call: S3Call, bucket: BucketMeta, key: string): ObjectMeta {
  const id = versionIdParam(call);
  const stack = deps.store.getVersions(bucket.name, key);
  if (id === undefined) {
    const current = stack[0];
    if (current?.isDeleteMarker) {
      call.res.setHeader('x-amz-delete-marker', 'true');
      call.res.setHeader('x-amz-version-id', shownVersionId(current));
    }
    if (!current || current.isDeleteMarker) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    return current;
  }
  if (!bucket.versioning && id !== NULL_VERSION) throw invalidVersionId(id);
  const version = stack.find((v) => shownVersionId(v) === id);
  if (!version) {
    if (id !== NULL_VERSION && !isVersionId(id)) throw invalidVersionId(id);
    if (!bucket.versioning) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    throw noSuchVersion(key, id);
  }
  if (version.isDeleteMarker) {
    call.res.setHeader('x-amz-delete-marker', 'true');
    call.res.setHeader('x-amz-version-id', id);
    call.res.setHeader('Allow', 'DELETE');
    throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, {
      Method: (call.req.method ?? 'GET').toUpperCase(),
      ResourceType: 'DeleteMarker',
    });
  }
  return version;
}

/**
 * A copy source (`x-amz-copy-source` with optional `?versionId=`): NoSuchKey when the current version is a delete
 * marker, NoSuchVersion for an unknown id, and AWS's InvalidRequest for a delete marker named by its id.
 */
export function copySourceVersion(deps: S3Deps, bucket: BucketMeta, key: string, id: string | undefined): ObjectMeta {
  const stack = deps.store.getVersions(bucket.name, key);
  const version = id === undefined ? stack[0] : stack.find((v) => shownVersionId(v) === id);
  if (id !== undefined && !version) {
    if (!bucket.versioning && id === NULL_VERSION) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    if (!bucket.versioning || (id !== NULL_VERSION && !isVersionId(id))) throw invalidVersionId(id);
    throw noSuchVersion(key, id);
  }
  if (!version || (id === undefined && version.isDeleteMarker)) {
    throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
  }
  if (version.isDeleteMarker) {
    throw new S3Error('InvalidRequest', 'The source of a copy request may not specifically refer to a delete marker by version id.');
  }
  return version;
}

/** `x-amz-copy-source-version-id`: the source's id when its bucket was ever versioned (`null` for a null version). */
export const copySourceVersionHeader = (bucket: BucketMeta, source: ObjectMeta): Record<string, string> =>
  bucket.versioning ? { 'x-amz-copy-source-version-id': shownVersionId(source) } : {};

/** PutBucketVersioning: Enabled or Suspended; a bucket once versioned never goes back to unversioned. */
export const putBucketVersioning: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  const status = parseVersioningXml(await receiveSmallBody(call.req));
  await deps.store.updateBucket(bucket.name, { versioning: status });
  sendEmpty(call, 200);
};

/** GetBucketVersioning: an empty configuration for a bucket never versioned, as AWS answers. */
export const getBucketVersioning: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  sendXml(call, s3Xml('VersioningConfiguration', bucket.versioning ? { Status: bucket.versioning } : {}));
};

function maxKeys(call: S3Call): number {
  const raw = call.target.query.get('max-keys');
  if (raw === null) return 1000;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, {
      ArgumentName: 'max-keys',
      ArgumentValue: raw,
    });
  }
  return Math.min(Number(raw), 1000);
}

/** ListObjectVersions: versions and delete markers by key, newest first, with AWS's markers and paging. */
export const listObjectVersions: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  const q = call.target.query;
  const encodingType = q.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') {
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, {
      ArgumentName: 'encoding-type',
      ArgumentValue: encodingType,
    });
  }
  const enc = (s: string) => (encodingType === 'url' ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const versionIdMarker = q.get('version-id-marker') ?? '';
  if (versionIdMarker && !keyMarker) {
    throw new S3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', 400, {
      ArgumentName: 'version-id-marker',
      ArgumentValue: versionIdMarker,
    });
  }
  const max = maxKeys(call);
  const page = listVersionsPage({
    keys: deps.store.sortedVersionKeys(bucket.name),
    versionsOf: (key) => deps.store.getVersions(bucket.name, key),
    prefix,
    delimiter,
    keyMarker,
    versionIdMarker,
    maxKeys: max,
  });
  const versions: Record<string, unknown>[] = [];
  const markers: Record<string, unknown>[] = [];
  const prefixes: Record<string, unknown>[] = [];
  for (const e of page.entries) {
    if (e.kind === 'prefix') {
      prefixes.push({ Prefix: enc(e.prefix) });
      continue;
    }
    const v = e.version;
    const common = { Key: enc(e.key), VersionId: shownVersionId(v), IsLatest: e.isLatest, LastModified: xmlDate(v.lastModified) };
    if (v.isDeleteMarker) markers.push({ Owner: owner, ...common });
    else {
      versions.push({
        ...common,
        ETag: quoteEtag(v.etag),
        Size: v.size,
        StorageClass: 'STANDARD',
        Owner: owner,
        ...(v.checksum ? { ChecksumAlgorithm: v.checksum.algorithm, ChecksumType: v.checksum.type } : {}),
      });
    }
  }
  sendXml(
    call,
    s3Xml('ListVersionsResult', {
      Name: bucket.name,
      Prefix: enc(prefix),
      KeyMarker: enc(keyMarker),
      VersionIdMarker: versionIdMarker,
      ...(page.nextKeyMarker !== undefined ? { NextKeyMarker: enc(page.nextKeyMarker) } : {}),
      ...(page.nextVersionIdMarker !== undefined ? { NextVersionIdMarker: page.nextVersionIdMarker } : {}),
      MaxKeys: max,
      ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
      ...(encodingType ? { EncodingType: encodingType } : {}),
      IsTruncated: page.isTruncated,
      Version: versions,
      DeleteMarker: markers,
      CommonPrefixes: prefixes,
    }),
  );
};
