/**
 * MD5 of a written blob file, computed on a worker thread. A large body's MD5 (its ETag) was half the
 * sandbox's main-thread time when receiving a 1 GiB multipart upload (~2 s of ~4 s), and the main thread
 * was what bounded it on two cores; the worker reads the file back from the page cache and hashes it
 * while the main thread goes on receiving the other parts. Started on first use, ended after a minute
 * idle (its memory is returned), never keeps the process alive.
 */
import { Worker } from 'node:worker_threads';

/** The worker (CommonJS, evaluated): {id, path} in, {id, md5} or {id, error} out; reads 1 MiB at a time. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buffer = Buffer.allocUnsafe(1024 * 1024);
parentPort.on('message', ({ id, path }) => {
  try {
    const hash = createHash('md5');
    const fd = openSync(path, 'r');
    try {
      for (let at = 0; ; ) {
        const n = readSync(fd, buffer, 0, buffer.length, at);
        if (n === 0) break;
        hash.update(buffer.subarray(0, n));
        at += n;
      }
    } finally {
      closeSync(fd);
    }
    parentPort.postMessage({ id, md5: hash.digest() });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: String(err && err.message), code: err && err.code, syscall: err && err.syscall } });
  }
});
`;

const IDLE_MS = 60_000;

interface Reply {
  id: number;
  md5?: Uint8Array;
  error?: { message: string; code?: string; syscall?: string };
}

export class Md5Worker {
  private worker: Worker | undefined;
  private nextId = 0;
  private waiting = new Map<number, { resolve: (md5: Buffer) => void; reject: (err: Error) => void }>();
  private idleTimer: NodeJS.Timeout | undefined;

  /** The MD5 of the file at `path` (16 bytes). Rejects with the file system's error (code, syscall kept). */
  md5File(path: string): Promise<Buffer> {
    const worker = this.start();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, path });
    });
  }

  /** Ends the worker; hashes still waiting reject. */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the S3 store is closing'));
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const job = this.waiting.get(reply.id);
      if (!job) return;
      this.waiting.delete(reply.id);
      if (reply.md5) job.resolve(Buffer.from(reply.md5));
      else job.reject(Object.assign(new Error(reply.error?.message ?? 'md5 failed'), reply.error?.code ? reply.error : {}));
      if (this.waiting.size === 0) this.idleTimer = setTimeout(() => void this.stopIdle(worker), IDLE_MS).unref();
    });
    worker.on('error', (err) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(err);
    });
    this.worker = worker;
    return worker;
  }

  private async stopIdle(worker: Worker): Promise<void> {
    if (this.worker !== worker || this.waiting.size > 0) return;
    this.worker = undefined;
    await worker.terminate();
  }

  private failAll(err: Error): void {
    for (const job of this.waiting.values()) job.reject(err);
    this.waiting.clear();
  }
}
