/**
 * Object bodies on disk, named by random ids (never by key). A large body gets a file of its own;
 * a small one is appended to a shared pack file (creating a file costs ~1 ms of kernel time here,
 * an append does not). A body is written in full (and fsynced when durable) before any metadata
 * points at it; files no metadata points at are swept at start. Deletion waits for readers still
 * streaming the body; space inside a pack is reclaimed only when the whole pack is unreferenced.
 */
import { close, createReadStream, createWriteStream, fdatasync, fsync, open, write, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { readdir, rm, unlink } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable, Transform } from 'node:stream';
import { Md5Worker } from './md5-worker.js';

const openFd = promisify(open);
const fsyncFd = promisify(fsync);
const closeFd = promisify(close);
const fdatasyncFd = promisify(fdatasync);
const writeFd = promisify(write);

/** Writing to disk failed (full disk, I/O error): the server's fault, answered 500, never blamed on the body. */
export class StorageError extends Error {
  constructor(readonly cause: Error) {
    super(`storage: ${cause.message}`);
    this.name = 'StorageError';
  }
}

/** Bodies up to this size go into pack files. */
export const SMALL_BODY_BYTES = 64 * 1024;
const PACK_LIMIT = 64 * 1024 * 1024;
const isPack = (id: string) => id.startsWith('pack-');

interface Pack {
  id: string;
  fd: number;
  size: number;
}

export class BlobStore {
  private readers = new Map<string, number>();
  private doomed = new Set<string>();
  private pack: Promise<Pack> | undefined;
  private packs: Promise<Pack>[] = [];
  private hasher = new Md5Worker();

  constructor(
    readonly dir: string,
    private durable: boolean,
  ) {}

  path(id: string): string {
    return join(this.dir, id);
  }

  /** Streams source through transforms into a new blob; returns its id (the blob is removed on failure). */
  async write(source: Readable, transforms: Transform[] = []): Promise<string> {
    const id = randomUUID();
    const file = this.path(id);
    // The source may fail while the file is being opened, before pipeline listens: pipeline still sees it as errored.
    const ignore = () => {};
    source.on('error', ignore);
    // A plain fd, not a FileHandle: a FileHandle's close() waits on the stream's reference forever.
    const fd = await openFd(file, 'w');
    let sinkError: NodeJS.ErrnoException | undefined;
    const sink = createWriteStream('', { fd, autoClose: false }).once('error', (err) => {
      sinkError = err;
    });
    try {
      await pipeline([source, ...transforms, sink]);
      if (this.durable) {
        await fsyncFd(fd).catch((err: Error) => {
          sinkError = err;
          throw err;
        });
      }
    } catch (err) {
      // pipeline rejects as soon as the request fails, and its destroy() closes the fd despite
      // autoClose: false. Closing it again could close a descriptor another body has opened since.
      if (sink.destroyed && !sink.closed) await new Promise<void>((done) => sink.once('close', () => done()));
      if (!sink.destroyed || (sink as unknown as { fd: number | null }).fd !== null) await closeFd(fd).catch(() => {});
      await unlink(file).catch(() => {});
      // The disk's own failure (ENOSPC, EIO) has a syscall; the request's (aborted, malformed) has none.
      throw typeof sinkError?.syscall === 'string' ? new StorageError(sinkError) : err;
    } finally {
      source.off('error', ignore);
    }
    await closeFd(fd);
    return id;
  }

  /** The MD5 of a whole file blob (not a pack), computed on a worker thread; a read failure is a StorageError. */
  async md5(id: string): Promise<Buffer> {
    try {
      return await this.hasher.md5File(this.path(id));
    } catch (err) {
      throw new StorageError(err as Error);
    }
  }

  /** Appends a small body to the current pack file; returns where it lives. */
  async writeSmall(data: Buffer): Promise<{ blob: string; offset: number }> {
    this.pack ??= this.openPack();
    let pack = await this.pack;
    if (pack.size + data.length > PACK_LIMIT) {
      if ((await this.pack) === pack) this.pack = this.openPack();
      pack = await this.pack!;
    }
    const offset = pack.size;
    pack.size += data.length;
    if (this.durable) {
      for (let done = 0; done < data.length; ) {
        done += (await writeFd(pack.fd, data, done, data.length - done, offset + done)).bytesWritten;
      }
      await fdatasyncFd(pack.fd);
    } else {
      // Without fsync this is a copy into the page cache (µs for ≤ 64 KiB): doing it here spares the hand-off
      // to libuv's thread pool and back, which cost more than the write in the PUT 4 KiB profile.
      for (let done = 0; done < data.length; ) done += writeSync(pack.fd, data, done, data.length - done, offset + done);
    }
    return { blob: pack.id, offset };
  }

  private openPack(): Promise<Pack> {
    const id = `pack-${randomUUID()}`;
    const pack = openFd(this.path(id), 'w').then((fd) => ({ id, fd, size: 0 }));
    this.packs.push(pack);
    return pack;
  }

  async close(): Promise<void> {
    const packs = this.packs;
    this.packs = [];
    this.pack = undefined;
    await this.hasher.close();
    for (const p of packs) await closeFd((await p).fd).catch(() => {});
  }

  /** Holds blobs against removal while a response streams them; pair with release. */
  retain(ids: Iterable<string>): void {
    for (const id of ids) this.readers.set(id, (this.readers.get(id) ?? 0) + 1);
  }

  release(ids: Iterable<string>): void {
    for (const id of ids) {
      const n = (this.readers.get(id) ?? 1) - 1;
      if (n > 0) this.readers.set(id, n);
      else {
        this.readers.delete(id);
        if (this.doomed.delete(id)) void unlink(this.path(id)).catch(() => {});
      }
    }
  }

  /** Bytes [start, end] (inclusive) of a blob; the caller holds it with retain. */
  read(id: string, start: number, end: number): Readable {
    return createReadStream(this.path(id), { start, end, highWaterMark: 256 * 1024 });
  }

  remove(ids: Iterable<string>): void {
    for (const id of ids) {
      if (isPack(id)) continue;
      if (this.readers.has(id)) this.doomed.add(id);
      else void unlink(this.path(id)).catch(() => {});
    }
  }

  /** Deletes every blob not in keep (bodies of writes that never committed). */
  async sweep(keep: Set<string>): Promise<number> {
    let swept = 0;
    for (const name of await readdir(this.dir)) {
      if (keep.has(name)) continue;
      await rm(this.path(name), { force: true });
      swept++;
    }
    return swept;
  }
}
