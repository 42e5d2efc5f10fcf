/**
 * The firing thread's entry (a worker_threads Worker started by firing-thread.ts): runs operations with its own S3
 * client, built from the session's S3 client config, and posts each one's acknowledgement, progress and result back.
 * Messages are FiringRequest in, FiringReply out (firing-thread.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { runOp } from './index.js';
import { directS3For } from '../aws/s3-direct.js';
import { holdBody } from './held-bodies.js';
import { scrubCredentialsOf } from './errors.js';
import { batched, FIRING_THREAD_NICE, type FiringReply, type FiringRequest } from './firing-thread.js';

// Below the main thread's priority: when the CPUs are busy (a burst on the sandbox's machine), the live tail and
// matching run first, and the requests wait. Linux only (a thread's id, as setpriority takes it); elsewhere as is.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), FIRING_THREAD_NICE);
} catch {
  // not Linux, or not allowed
}

const port = parentPort!;
const { s3Config, scrub } = workerData as { s3Config: S3ClientConfig; scrub: boolean };
const s3 = new S3Client(s3Config);
if (scrub) scrubCredentialsOf(s3);
const direct = directS3For(s3, s3Config);
const running = new Map<number, AbortController>();
const releases: (() => void)[] = [];
const reply = batched<FiringReply>((batch) => port.postMessage(batch));

port.on('message', (batch: FiringRequest[]) => {
  for (const m of batch) receive(m);
});

function receive(m: FiringRequest): void {
  switch (m.t) {
    case 'hold':
      void Promise.all(
        m.files.map((f) =>
          holdBody(f).then(
            (r) => releases.push(r),
            () => undefined,
          ),
        ),
      ).then(() => reply({ t: 'held' }));
      return;
    case 'abort':
      running.get(m.opId)?.abort();
      return;
    case 'run': {
      const controller = new AbortController();
      running.set(m.opId, controller);
      let ackedWith: unknown;
      void runOp(
        {
          opId: m.opId,
          s3,
          s3Config,
          signal: controller.signal,
          now: Date.now,
          onProgress: (loaded, total) => reply({ t: 'progress', opId: m.opId, loaded, ...(total !== undefined ? { total } : {}) }),
          onAcked: (result) => {
            ackedWith = result;
            reply({ t: 'acked', opId: m.opId, result });
          },
          ...(m.functions ? { functions: m.functions } : {}),
          ...(direct ? { direct } : {}),
        },
        m.input,
      ).then((result) => {
        running.delete(m.opId);
        reply(result === ackedWith ? { t: 'done', opId: m.opId } : { t: 'done', opId: m.opId, result });
      });
      return;
    }
    case 'close':
      for (const release of releases) release();
      s3.destroy();
      direct?.destroy();
      port.close();
      return;
  }
}
