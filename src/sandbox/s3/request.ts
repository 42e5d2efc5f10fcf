/** Where an S3 request points (bucket, key, sub-resource) and which operation it is. Pure. */
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from './errors.js';

export interface S3Target {
  bucket?: string;
  key?: string;
  query: URLSearchParams;
  /** The raw path, for error Resource elements. */
  path: string;
}

/** `<bucket>.localhost[:port]` or `<bucket>.s3.<anything>`; otherwise path-style. */
export function bucketFromHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  const local = /^(.+)\.localhost$/.exec(name);
  if (local) return local[1];
  const s3 = /^(.+?)\.s3\.(.+)$/.exec(name);
  return s3 ? s3[1] : undefined;
}

function decodePath(raw: string): string {
  try {
    // Percent-decoding only: a '+' in a path is a plus sign.
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.");
  }
}

export function parseS3Target(host: string | undefined, rawUrl: string): S3Target {
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  const vhost = bucketFromHost(host);
  if (vhost) return { bucket: vhost, key: path ? decodePath(path) : undefined, query, path: rawPath };
  const slash = path.indexOf('/');
  const bucketPart = slash < 0 ? path : path.slice(0, slash);
  const keyPart = slash < 0 ? '' : path.slice(slash + 1);
  return {
    bucket: bucketPart ? decodePath(bucketPart) : undefined,
    key: keyPart ? decodePath(keyPart) : undefined,
    query,
    path: rawPath,
  };
}

export type S3Operation =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'GetBucketLocation'
  | 'GetBucketVersioning'
  | 'PutBucketVersioning'
  | 'ListObjectVersions'
  | 'PutBucketLifecycleConfiguration'
  | 'GetBucketLifecycleConfiguration'
  | 'DeleteBucketLifecycle'
  | 'ListObjects'
  | 'ListObjectsV2'
  | 'PutBucketNotificationConfiguration'
  | 'GetBucketNotificationConfiguration'
  | 'ListMultipartUploads'
  | 'DeleteObjects'
  | 'PostObject'
  | 'PutObject'
  | 'CopyObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts'
  | 'GetObjectTagging'
  | 'PutObjectTagging'
  | 'DeleteObjectTagging'
  | 'GetObjectAcl'
  | 'PutObjectAcl'
  | 'GetBucketAcl'
  | 'PutBucketAcl'
  | 'RestoreObject'
  | 'PutBucketCors'
  | 'GetBucketCors'
  | 'DeleteBucketCors'
  | 'Preflight'
  | 'NotImplemented'
  | 'MethodNotAllowed';

/** Sub-resources we do not model; a request naming one gets NotImplemented rather than a wrong answer. */
const UNMODELLED = [
  'acl',
  'tagging',
  'policy',
  'encryption',
  'website',
  'logging',
  'replication',
  'ownershipControls',
  'publicAccessBlock',
  'object-lock',
  'retention',
  'legal-hold',
  'accelerate',
  'requestPayment',
  'analytics',
  'metrics',
  'inventory',
  'intelligent-tiering',
  'restore',
  'select',
  'attributes',
  'torrent',
  'policyStatus',
];

export function resolveOperation(method: string, target: S3Target, headers: IncomingHttpHeaders): S3Operation {
  const has = (name: string) => target.query.has(name);
  const m = method.toUpperCase();
  if (m === 'OPTIONS') return 'Preflight';
  if (target.bucket === undefined) return m === 'GET' ? 'ListBuckets' : 'MethodNotAllowed';
  if (target.key === undefined && has('cors')) {
    if (m === 'PUT') return 'PutBucketCors';
    if (m === 'GET') return 'GetBucketCors';
    if (m === 'DELETE') return 'DeleteBucketCors';
  }
  if (target.key !== undefined && has('tagging') && !has('uploadId')) {
    if (m === 'PUT') return 'PutObjectTagging';
    if (m === 'GET') return 'GetObjectTagging';
    if (m === 'DELETE') return 'DeleteObjectTagging';
  }
  if (target.key === undefined && has('lifecycle')) {
    if (m === 'PUT') return 'PutBucketLifecycleConfiguration';
    if (m === 'GET') return 'GetBucketLifecycleConfiguration';
    if (m === 'DELETE') return 'DeleteBucketLifecycle';
  }
  if (target.key === undefined && has('versioning')) {
    if (m === 'PUT') return 'PutBucketVersioning';
    if (m === 'GET') return 'GetBucketVersioning';
  }
  if (target.key === undefined && has('versions') && m === 'GET') return 'ListObjectVersions';
  if (has('acl') && !has('uploadId')) {
    if (m === 'PUT') return target.key === undefined ? 'PutBucketAcl' : 'PutObjectAcl';
    if (m === 'GET') return target.key === undefined ? 'GetBucketAcl' : 'GetObjectAcl';
  }
  if (target.key !== undefined && has('restore') && m === 'POST') return 'RestoreObject';
  if (UNMODELLED.some(has)) return 'NotImplemented';
  if (target.key === undefined) {
    switch (m) {
      case 'PUT':
        if (has('notification')) return 'PutBucketNotificationConfiguration';
        return 'CreateBucket';
      case 'GET':
        if (has('notification')) return 'GetBucketNotificationConfiguration';
        if (has('location')) return 'GetBucketLocation';
        if (has('uploads')) return 'ListMultipartUploads';
        return target.query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
      case 'HEAD':
        return 'HeadBucket';
      case 'DELETE':
        return 'DeleteBucket';
      case 'POST':
        return has('delete') ? 'DeleteObjects' : 'PostObject';
      default:
        return 'MethodNotAllowed';
    }
  }
  switch (m) {
    case 'PUT':
      if (has('uploadId') && has('partNumber')) return headers['x-amz-copy-source'] ? 'UploadPartCopy' : 'UploadPart';
      return headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
    case 'GET':
      return has('uploadId') ? 'ListParts' : 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload';
      if (has('uploadId')) return 'CompleteMultipartUpload';
      return 'MethodNotAllowed';
    default:
      return 'MethodNotAllowed';
  }
}

/** AWS's bucket naming rules (general purpose buckets). */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'The specified bucket is not valid.';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return 'The specified bucket is not valid.';
  if (name.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'The specified bucket is not valid.';
  if (name.startsWith('xn--') || name.endsWith('-s3alias') || name.endsWith('--ol-s3')) return 'The specified bucket is not valid.';
  return undefined;
}
