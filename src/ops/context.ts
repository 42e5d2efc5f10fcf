/** What an operation runs with, and the constructors of its result. */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { OpKind, OpResult } from './types.js';
import type { DirectS3 } from '../aws/s3-direct.js';
import { toOpError } from './errors.js';

export interface OpContext {
  opId: number;
  s3: S3Client;
  /** To build a sibling client (multipart tracks its own upload ids). */
  s3Config: S3ClientConfig;
  signal?: AbortSignal;
  onProgress?: (loaded: number, total?: number) => void;
  /** S3 acknowledged the request: called once with the result, before any local cleanup (multipart's temp file). */
  onAcked?: (result: OpResult) => void;
  now: () => number;
  /** For ops that invoke Lambda directly: the functions to reach (definition.expectedFunctions, decided at fire time). */
  functions?: readonly string[];
  /** The firing thread's direct PutObject and DeleteObject (aws/s3-direct.ts), where the endpoint allows it; the SDK sends the rest. */
  direct?: DirectS3;
}

export function succeeded(ctx: OpContext, r: Omit<OpResult, 'opId' | 'ackedAt'>): OpResult {
  const result: OpResult = { opId: ctx.opId, ...r, ackedAt: ctx.now() };
  for (const k of Object.keys(result) as (keyof OpResult)[]) if (result[k] === undefined) delete result[k];
  ctx.onAcked?.(result);
  return result;
}

export function failed(ctx: OpContext, base: { op: OpKind; bucket: string; key: string; startedAt: number }, err: unknown): OpResult {
  const error = toOpError(err);
  const requestId = (err as { $metadata?: { requestId?: string } } | undefined)?.$metadata?.requestId;
  return { opId: ctx.opId, ...base, ...(requestId ? { requestId } : {}), error };
}
