export type OpKind = 'put' | 'copy' | 'post' | 'delete' | 'multipart';

/** What the user asked for; the engine assigns the id. */
export type OpInput =
  | { kind: 'put'; bucket: string; file: string; key?: string }
  | { kind: 'copy'; bucket: string; sourceBucket: string; sourceKey: string; key: string }
  | { kind: 'post'; bucket: string; file: string; key?: string }
  | { kind: 'delete'; bucket: string; key: string }
  | {
      kind: 'multipart';
      bucket: string;
      key: string;
      /** Upload this file; otherwise generate `sizeMB` of random data in a temp file. */
      file?: string;
      sizeMB?: number;
      partSizeMB?: number;
      concurrency?: number;
    };

export interface OpError {
  /** AWS error code (NoSuchKey, AccessDenied...) or one of ours (FileNotFound, Aborted...). */
  code: string;
  message: string;
  httpStatus?: number;
}

/** The typed result every operation returns. Times are epoch ms on this machine's clock. */
export interface OpResult {
  opId: number;
  op: OpKind;
  bucket: string;
  key: string;
  bytes?: number;
  etag?: string;
  versionId?: string;
  /** S3's x-amz-request-id for the triggering request ($metadata.requestId). */
  requestId?: string;
  startedAt: number;
  ackedAt?: number;
  error?: OpError;
}

/** S3 event name the operation is expected to trigger, e.g. ObjectCreated:Put. */
export function eventNameFor(kind: OpKind): string {
  switch (kind) {
    case 'put':
      return 'ObjectCreated:Put';
    case 'copy':
      return 'ObjectCreated:Copy';
    case 'post':
      return 'ObjectCreated:Post';
    case 'delete':
      return 'ObjectRemoved:Delete';
    case 'multipart':
      return 'ObjectCreated:CompleteMultipartUpload';
  }
}
