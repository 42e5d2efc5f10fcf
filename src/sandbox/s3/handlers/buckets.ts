/** Bucket operations: list, create, head, delete, location, listing objects, notification config. */
import { S3Error } from '../errors.js';
import { header, sendEmpty, sendXml, quoteEtag, type S3Call } from '../http.js';
import { receiveSmallBody } from '../body.js';
import { listPage } from '../list.js';
import { notificationConfigToXml, parseNotificationXml, validateNotificationConfig } from '../notification-config.js';
import { bucketNameProblem } from '../request.js';
import { parseRequestXml, s3Xml, xmlDate } from '../xml.js';
import { SANDBOX_OWNER_ID } from '../event-record.js';
import { requireBucket, type S3Deps } from './common.js';
import { listedStorageClass } from '../storage-class.js';
import { announceNotificationConfig } from '../../glue/s3-test-event.js';

const owner = { ID: SANDBOX_OWNER_ID, DisplayName: 'sandbox' };

export async function listBuckets(deps: S3Deps, call: S3Call): Promise<void> {
  const buckets = deps.store.listBuckets().map((b) => ({ Name: b.name, CreationDate: xmlDate(b.creationDate), BucketRegion: b.region }));
  sendXml(call, s3Xml('ListAllMyBucketsResult', { Owner: owner, Buckets: { Bucket: buckets } }));
}

export async function createBucket(deps: S3Deps, call: S3Call): Promise<void> {
  const name = call.target.bucket!;
  const problem = bucketNameProblem(name);
  if (problem) throw new S3Error('InvalidBucketName', problem, 400, { BucketName: name });
  const body = await receiveSmallBody(call.req);
  let region = deps.ctx.region;
  if (body.trim()) {
    const doc = parseRequestXml(body, 'CreateBucketConfiguration');
    const constraint = typeof doc.LocationConstraint === 'string' ? doc.LocationConstraint.trim() : undefined;
    if (typeof constraint === 'string' && constraint) {
      if (constraint === 'us-east-1') {
        throw new S3Error('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, {
          LocationConstraint: constraint,
        });
      }
      region = constraint === 'EU' ? 'eu-west-1' : constraint;
    }
  }
  const existing = deps.store.getBucket(name);
  if (existing) {
    // us-east-1 keeps S3's legacy answer: re-creating a bucket you own there succeeds and changes nothing.
    if (deps.ctx.region === 'us-east-1' && existing.region === 'us-east-1') {
      sendEmpty(call, 200, { Location: `/${name}` });
      return;
    }
    throw new S3Error(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      { BucketName: name },
    );
  }
  await deps.store.createBucket({
    name,
    region,
    creationDate: new Date().toISOString(),
    notification: { destinations: [], eventBridge: false },
  });
  sendEmpty(call, 200, { Location: `/${name}` });
}

export async function headBucket(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  sendEmpty(call, 200, { 'x-amz-bucket-region': bucket.region, 'x-amz-access-point-alias': 'false' });
}

export async function deleteBucket(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  if (!deps.store.isEmpty(bucket.name)) {
    const message = bucket.versioning
      ? 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.'
      : 'The bucket you tried to delete is not empty';
    throw new S3Error('BucketNotEmpty', message, 409, { BucketName: bucket.name });
  }
  await deps.store.deleteBucket(bucket.name);
  sendEmpty(call, 204);
}

export async function getBucketLocation(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  const value = bucket.region === 'us-east-1' ? '' : bucket.region;
  sendXml(call, s3Xml('LocationConstraint', { '#text': value }));
}

function maxKeysParam(call: S3Call, name: string): number {
  const raw = call.target.query.get(name);
  if (raw === null) return 1000;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, {
      ArgumentName: name,
      ArgumentValue: raw,
    });
  }
  return Math.min(n, 1000);
}

/** ListObjects (V1) and ListObjectsV2. */
export async function listObjects(deps: S3Deps, call: S3Call, v2: boolean): Promise<void> {
  const bucket = requireBucket(deps, call);
  const q = call.target.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const encodingType = q.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') {
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, {
      ArgumentName: 'encoding-type',
      ArgumentValue: encodingType,
    });
  }
  const enc = (s: string) => (encodingType === 'url' ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  const maxKeys = maxKeysParam(call, 'max-keys');
  const token = q.get('continuation-token');
  let after: string;
  if (v2) {
    if (token !== null) {
      const decoded = Buffer.from(token, 'base64url').toString('utf8');
      if (!token || !decoded.startsWith('k:')) {
        throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', 400, { ArgumentName: 'continuation-token' });
      }
      after = decoded.slice(2);
    } else after = q.get('start-after') ?? '';
  } else after = q.get('marker') ?? '';

  const page = listPage({ keys: deps.store.sortedKeys(bucket.name), prefix, delimiter, after, maxKeys });
  const fetchOwner = !v2 || q.get('fetch-owner') === 'true';
  const contents = page.keys.map((key) => {
    const o = deps.store.getObject(bucket.name, key)!;
    return {
      Key: enc(key),
      LastModified: xmlDate(o.lastModified),
      ETag: quoteEtag(o.etag),
      ...(o.checksum ? { ChecksumAlgorithm: o.checksum.algorithm } : {}),
      Size: o.size,
      ...(fetchOwner ? { Owner: owner } : {}),
      StorageClass: listedStorageClass(o.storageClass),
    };
  });
  const common = page.commonPrefixes.map((p) => ({ Prefix: enc(p) }));
  const next = page.isTruncated && page.last !== undefined ? page.last : undefined;
  const body: Record<string, unknown> = v2
    ? {
        Name: bucket.name,
        Prefix: enc(prefix),
        ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
        MaxKeys: maxKeys,
        ...(encodingType ? { EncodingType: encodingType } : {}),
        KeyCount: contents.length + common.length,
        IsTruncated: page.isTruncated,
        ...(token !== null ? { ContinuationToken: token } : {}),
        ...(next !== undefined ? { NextContinuationToken: Buffer.from(`k:${next}`).toString('base64url') } : {}),
        ...(q.has('start-after') ? { StartAfter: enc(q.get('start-after')!) } : {}),
        Contents: contents,
        CommonPrefixes: common,
      }
    : {
        Name: bucket.name,
        Prefix: enc(prefix),
        Marker: enc(after),
        ...(next !== undefined ? { NextMarker: enc(next) } : {}),
        MaxKeys: maxKeys,
        ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
        ...(encodingType ? { EncodingType: encodingType } : {}),
        IsTruncated: page.isTruncated,
        Contents: contents,
        CommonPrefixes: common,
      };
  sendXml(call, s3Xml('ListBucketResult', body));
}

/**
 * PutBucketNotificationConfiguration: validated as AWS does (destinations must exist; under --strict their
 * policies must let S3 deliver), saved, then s3:TestEvent goes to each queue and topic, and every permission gap
 * accepted without --strict is logged with its fix (glue/s3-test-event.ts). Skip-destination-validation skips both.
 */
export async function putBucketNotification(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  const cfg = parseNotificationXml(await receiveSmallBody(call.req));
  const { ctx } = deps;
  const skip = header(call.req, 'x-amz-skip-destination-validation')?.toLowerCase() === 'true';
  const gaps = validateNotificationConfig(cfg, {
    bucket: bucket.name,
    skipDestinationValidation: skip,
    strict: ctx.strict,
    destinations: {
      exists: (kind, arn) =>
        kind === 'lambda' ? ctx.functions.exists(arn) : kind === 'queue' ? ctx.queues.exists(arn) : ctx.topics.exists(arn),
      allowsS3: (kind, arn, source) =>
        kind === 'lambda'
          ? ctx.functions.allowsInvoke(arn, 's3.amazonaws.com', source)
          : kind === 'queue'
            ? ctx.queues.allowsSend(arn, 's3.amazonaws.com', source)
            : ctx.topics.allowsPublish(arn, 's3.amazonaws.com', source),
    },
  });
  await deps.store.setNotification(bucket.name, cfg);
  if (!skip) {
    announceNotificationConfig(ctx, {
      bucket: bucket.name,
      requestId: call.requestId,
      hostId: call.hostId,
      destinations: cfg.destinations,
      gaps,
    });
  }
  sendEmpty(call, 200);
}

export async function getBucketNotification(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  const body = notificationConfigToXml(bucket.notification);
  sendXml(call, body);
}
