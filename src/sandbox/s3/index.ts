/**
 * The sandbox's S3 service: routes each request to its operation and answers with S3's wire format.
 * request.ts decides the operation; handlers/ answer it; store.ts + blobs.ts keep state under
 * dataDir/s3 (blobs/: bodies, buckets/<name>/: bucket.json + objects/<sha256(key)>.json,
 * uploads/<id>/: multipart state; metadata files only with --data); notify.ts publishes event records.
 */
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext, SandboxService } from '../context.js';
import { s3HostId, s3RequestId } from '../protocol/ids.js';
import { S3Error } from './errors.js';
import { header, sendError, type S3Call } from './http.js';
import { EventPublisher } from './notify.js';
import { parseS3Target, resolveOperation, type S3Operation } from './request.js';
import { S3Store } from './store.js';
import type { Handler, S3Deps } from './handlers/common.js';
import * as buckets from './handlers/buckets.js';
import * as objects from './handlers/objects.js';
import * as multipart from './handlers/multipart.js';
import { postObject } from './handlers/post-object.js';
import * as cors from './handlers/cors.js';
import * as tagging from './handlers/tagging.js';
import * as acl from './handlers/acl.js';
import { restoreObject } from './handlers/restore.js';
import { RestoreClock } from './restore-clock.js';
import * as versioning from './handlers/versioning.js';
import * as lifecycle from './handlers/lifecycle.js';
import { LifecycleRunner, lifecycleDayMs } from './lifecycle-runner.js';
import { corsHeaders, matchCorsRule, type CorsQuery, type CorsRule } from './cors.js';

const HANDLERS: Record<S3Operation, Handler> = {
  ListBuckets: buckets.listBuckets,
  CreateBucket: buckets.createBucket,
  HeadBucket: buckets.headBucket,
  DeleteBucket: buckets.deleteBucket,
  GetBucketLocation: buckets.getBucketLocation,
  GetBucketVersioning: versioning.getBucketVersioning,
  PutBucketVersioning: versioning.putBucketVersioning,
  ListObjectVersions: versioning.listObjectVersions,
  PutBucketLifecycleConfiguration: lifecycle.putBucketLifecycleConfiguration,
  GetBucketLifecycleConfiguration: lifecycle.getBucketLifecycleConfiguration,
  DeleteBucketLifecycle: lifecycle.deleteBucketLifecycle,
  ListObjects: (d, c) => buckets.listObjects(d, c, false),
  ListObjectsV2: (d, c) => buckets.listObjects(d, c, true),
  PutBucketNotificationConfiguration: buckets.putBucketNotification,
  GetBucketNotificationConfiguration: buckets.getBucketNotification,
  ListMultipartUploads: multipart.listMultipartUploads,
  DeleteObjects: objects.deleteObjects,
  PostObject: postObject,
  PutObject: objects.putObject,
  CopyObject: objects.copyObject,
  GetObject: (d, c) => objects.getObject(d, c, true),
  HeadObject: (d, c) => objects.getObject(d, c, false),
  DeleteObject: objects.deleteObject,
  CreateMultipartUpload: multipart.createMultipartUpload,
  UploadPart: multipart.uploadPart,
  UploadPartCopy: multipart.uploadPartCopy,
  CompleteMultipartUpload: multipart.completeMultipartUpload,
  AbortMultipartUpload: multipart.abortMultipartUpload,
  ListParts: multipart.listParts,
  GetObjectTagging: tagging.getObjectTagging,
  PutObjectTagging: tagging.putObjectTagging,
  DeleteObjectTagging: tagging.deleteObjectTagging,
  GetObjectAcl: acl.getObjectAcl,
  PutObjectAcl: acl.putObjectAcl,
  GetBucketAcl: acl.getBucketAcl,
  PutBucketAcl: acl.putBucketAcl,
  RestoreObject: restoreObject,
  PutBucketCors: cors.putBucketCors,
  GetBucketCors: cors.getBucketCors,
  DeleteBucketCors: cors.deleteBucketCors,
  Preflight: cors.preflight,
  NotImplemented: async () => {
    throw new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', 501);
  },
  MethodNotAllowed: async () => {
    throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
  },
};

export async function createS3Service(ctx: SandboxContext): Promise<SandboxService> {
  const store = await S3Store.open(join(ctx.dataDir, 's3'), !ctx.ephemeral);
  const events = new EventPublisher(ctx);
  const restores = new RestoreClock(store, events, ctx);
  restores.resume();
  const deps: S3Deps = { ctx, store, events, restores };
  const expiration = new LifecycleRunner(deps, lifecycleDayMs(ctx.timing.scale));
  expiration.start();
  return {
    handle: (req, res) => handle(deps, req, res),
    close: async () => {
      restores.close();
      await expiration.stop();
      await store.close();
    },
    allowsCrossOrigin: (req, origin) => corsRuleFor(deps, req, origin) !== undefined,
  };
}

/** The bucket's CORS rule that allows this actual (not preflight) request from `origin`, if any. */
function corsRuleFor(deps: S3Deps, req: IncomingMessage, origin: string): { rule: CorsRule; query: CorsQuery } | undefined {
  let bucket: string | undefined;
  try {
    bucket = parseS3Target(req.headers.host, req.url ?? '/').bucket;
  } catch {
    return undefined;
  }
  const rules = bucket === undefined ? undefined : deps.store.getBucket(bucket)?.cors;
  const query = { origin, method: (req.method ?? 'GET').toUpperCase() };
  const rule = matchCorsRule(rules, query);
  return rule && { rule, query };
}

async function handle(deps: S3Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = String(res.getHeader('x-amz-request-id') ?? s3RequestId());
  const hostId = s3HostId();
  res.setHeader('x-amz-id-2', hostId);
  const call: S3Call = { req, res, requestId, hostId, target: { query: new URLSearchParams(), path: req.url ?? '/' } };
  try {
    call.target = parseS3Target(req.headers.host, req.url ?? '/');
    const op = resolveOperation(req.method ?? 'GET', call.target, req.headers);
    const origin = header(req, 'origin');
    const allowed = origin !== undefined && op !== 'Preflight' ? corsRuleFor(deps, req, origin) : undefined;
    if (allowed) for (const [name, value] of Object.entries(corsHeaders(allowed.rule, allowed.query))) res.setHeader(name, value);
    await HANDLERS[op](deps, call);
  } catch (err) {
    if (err instanceof S3Error) return sendError(call, err);
    deps.ctx.log(`s3: ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    sendError(call, new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500));
  }
}
