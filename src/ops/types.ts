import type { PutInput } from './put.js';
import type { CopyInput } from './copy.js';
import type { PostInput } from './post.js';
import type { DeleteInput } from './delete.js';
import type { MultipartInput } from './multipart.js';
import type { PutTaggingInput } from './put-tagging.js';
import type { DeleteTaggingInput } from './delete-tagging.js';
import type { PutAclInput } from './put-acl.js';
import type { RestoreInput } from './restore.js';
import type { RetriggerInput } from './retrigger.js';
import type { ReplayInput } from './replay.js';

/** What the user asked for; the engine assigns the id. Each kind's input is declared with its definition. */
export type OpInput =
  | PutInput
  | CopyInput
  | PostInput
  | DeleteInput
  | MultipartInput
  | PutTaggingInput
  | DeleteTaggingInput
  | PutAclInput
  | RestoreInput
  | RetriggerInput
  | ReplayInput;

/** Every operation kind; each has its definition in the registry (registry.ts). */
export type OpKind = OpInput['kind'];

export interface OpError {
  /** AWS error code (NoSuchKey, AccessDenied...) or one of ours (FileNotFound, Aborted...). */
  code: string;
  message: string;
  httpStatus?: number;
  /** The `<BucketName>` S3's error names (NoSuchBucket...): with COPY, which of its two buckets it is. */
  bucketName?: string;
}

/** The typed result every operation returns. Times are epoch ms on this machine's clock. */
export interface OpResult {
  opId: number;
  op: OpKind;
  bucket: string;
  key: string;
  bytes?: number;
  etag?: string;
  /** S3's `x-amz-version-id` of what the operation created or removed (a versioned bucket's; absent otherwise). */
  versionId?: string;
  /** REPLAY: the request id of each asynchronous Invoke it made (Lambda uses it for the invocation). */
  invocationRequestIds?: string[];
  /** DELETE: S3's `x-amz-delete-marker` (true when a versioned bucket created a delete marker, or removed one). */
  deleteMarker?: boolean;
  /** S3's x-amz-request-id for the triggering request ($metadata.requestId). */
  requestId?: string;
  startedAt: number;
  ackedAt?: number;
  error?: OpError;
}

/** Kept here for the engine's existing imports. */
export { eventNameFor } from './registry.js';
