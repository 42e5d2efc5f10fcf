/**
 * The parts of a multipart upload of a file, sent straight from the file: each of `concurrency` workers
 * reads its next part into a buffer of its own (reused for every part it sends) with one positioned read,
 * and sends it as UploadPart. This replaces lib-storage's stream chunker, whose copying of 1 MiB reads
 * into fresh part buffers (Buffer.concat) and the garbage that left were 40% of the client's CPU for 1 GiB.
 * The payload is sent as UNSIGNED-PAYLOAD in SigV4 (as the SDK does for any streamed body): hashing
 * 1 GiB with SHA-256 was another 20%; S3 accepts it on every endpoint, and each part's ETag (S3's MD5 of
 * what it received) and TLS cover transport, as with the AWS CLI's defaults.
 */
import { setMaxListeners } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type CompletedPart,
  type CompleteMultipartUploadCommandOutput,
  type CreateMultipartUploadCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';

/** What uploadFileInParts sends. Sizes in bytes. */
export interface FilePartsUpload {
  bucket: string;
  key: string;
  file: string;
  /** The file's size. */
  bytes: number;
  partSize: number;
  /** Parts in flight at once. */
  concurrency: number;
  /** CreateMultipartUpload's further parameters (storage class, ACL, tagging). */
  createParams?: Omit<CreateMultipartUploadCommandInput, 'Bucket' | 'Key'>;
  signal: AbortSignal;
  /** Called as each part is acknowledged, with the bytes acknowledged so far. */
  onProgress?: (loaded: number, total: number) => void;
}

/** SigV4's `x-amz-content-sha256` value for a payload left out of the signature. */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** Marks the client's UploadPart requests UNSIGNED-PAYLOAD (the signer then hashes no body); idempotent. */
export function signPartsUnsigned(client: S3Client): void {
  const name = 's3triggerUnsignedPartPayload';
  client.middlewareStack.remove(name);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (context.commandName === 'UploadPartCommand' && request.headers) request.headers['x-amz-content-sha256'] = UNSIGNED_PAYLOAD;
      return next(args);
    },
    { step: 'build', name },
  );
}

/** Reads exactly target.length bytes at position (a file that shrank meanwhile is an error, never a short part). */
async function readFully(handle: FileHandle, target: Buffer, position: number): Promise<void> {
  for (let done = 0; done < target.length; ) {
    const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) throw new Error(`the file ended at ${position + done} bytes while it was being uploaded`);
    done += bytesRead;
  }
}

/**
 * CreateMultipartUpload, the file's parts (`partSize` each, the last one shorter) `concurrency` at a time,
 * then CompleteMultipartUpload. Throws the first failure (the other parts in flight are cancelled); the
 * caller aborts the upload on S3. Client memory: concurrency × partSize.
 */
export async function uploadFileInParts(client: S3Client, u: FilePartsUpload): Promise<CompleteMultipartUploadCommandOutput> {
  const stop = new AbortController();
  const signal = AbortSignal.any([u.signal, stop.signal]);
  // Each request in flight listens on it (the SDK's HTTP handler, until its socket is released).
  setMaxListeners(4 * u.concurrency + 10, signal);
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: u.bucket, Key: u.key, ...u.createParams }), {
    abortSignal: signal,
  });
  const count = Math.ceil(u.bytes / u.partSize);
  const parts: CompletedPart[] = new Array(count);
  const handle = await open(u.file, 'r');
  let next = 0;
  let loaded = 0;
  const worker = async () => {
    const buffer = Buffer.allocUnsafe(Math.min(u.partSize, u.bytes));
    while (next < count) {
      signal.throwIfAborted();
      const index = next++;
      const start = index * u.partSize;
      const body = buffer.subarray(0, Math.min(u.partSize, u.bytes - start));
      await readFully(handle, body, start);
      const out = await client.send(
        new UploadPartCommand({ Bucket: u.bucket, Key: u.key, UploadId, PartNumber: index + 1, Body: body, ContentLength: body.length }),
        { abortSignal: signal },
      );
      parts[index] = { PartNumber: index + 1, ETag: out.ETag };
      loaded += body.length;
      u.onProgress?.(loaded, u.bytes);
    }
  };
  let failure: { error: unknown } | undefined;
  // allSettled, not all: the file stays open until no worker can still be reading it.
  await Promise.allSettled(
    Array.from({ length: Math.max(1, Math.min(u.concurrency, count)) }, () =>
      worker().catch((error: unknown) => {
        failure ??= { error };
        stop.abort();
      }),
    ),
  );
  await handle.close();
  if (failure) throw failure.error;
  return client.send(new CompleteMultipartUploadCommand({ Bucket: u.bucket, Key: u.key, UploadId, MultipartUpload: { Parts: parts } }), {
    abortSignal: u.signal,
  });
}
