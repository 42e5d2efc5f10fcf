/**
 * Buckets, objects and multipart uploads: metadata in memory, mirrored to small JSON files under
 * dataDir/s3. Writing a metadata file (temp file, then atomic rename) is the commit point of every
 * change, so a kill -9 leaves either the old or the new state, never a torn one.
 */
import { mkdir, readdir, readFile, rename, rm, open, stat } from 'node:fs/promises';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { BlobStore } from './blobs.js';
import { S3Error } from './errors.js';
import type { ChecksumAlgorithm } from './checksums.js';
import type { CorsRule } from './cors.js';
import type { NotificationConfig } from './notification-config.js';
import type { StoredAcl } from './acl.js';
import type { Tag } from './tagging.js';
import type { StorageClass } from './storage-class.js';
import type { RestoreState } from './restore.js';
import type { LifecycleRule } from './lifecycle.js';
import { pushVersion, type VersioningStatus } from './versioning.js';

export interface Segment {
  blob: string;
  size: number;
  /** Where the body starts inside a pack file (0 for a file of its own). */
  offset?: number;
}

/** Headers stored with an object and returned on Get/Head. */
export interface ObjectHeaders {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  /** x-amz-meta-* without the prefix, lower-case names. */
  metadata: Record<string, string>;
}

/** Tags and ACL, kept with an object's metadata (and an upload's, until Complete gives them to the object). */
export interface ObjectAccess {
  /** Sorted by key; absent or empty when untagged. */
  tags?: Tag[];
  /** Absent means private (the owner's FULL_CONTROL). */
  acl?: StoredAcl;
}

export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface ObjectMeta extends ObjectHeaders, ObjectAccess {
  key: string;
  size: number;
  /** Unquoted: hex md5, or `hex-N` for multipart. */
  etag: string;
  lastModified: string;
  checksum?: StoredChecksum;
  segments: Segment[];
  /** Absent means STANDARD (storage-class.ts). */
  storageClass?: StorageClass;
  /** An archived object's restore, in progress or done (restore.ts). */
  restore?: RestoreState;
  /** The version's id; absent for the null version (never-versioned or Suspended writes). */
  versionId?: string;
  /** A delete marker: no body (size 0, segments []), eTag of the empty body. */
  isDeleteMarker?: boolean;
}

/** A key's file when it holds more than one plain null version (a single one is written as its ObjectMeta, as before versioning). */
interface VersionsFile {
  key: string;
  /** Newest first. */
  versions: ObjectMeta[];
}

export interface BucketMeta {
  name: string;
  region: string;
  creationDate: string;
  notification: NotificationConfig;
  /** PutBucketCors rules; absent when none are set. */
  cors?: CorsRule[];
  /** PutBucketAcl's ACL; absent means private. */
  acl?: StoredAcl;
  /** PutBucketVersioning's status; absent: never versioned. */
  versioning?: VersioningStatus;
  /** PutBucketLifecycleConfiguration's rules; absent when none are set. */
  lifecycle?: LifecycleRule[];
}

export interface PartMeta {
  partNumber: number;
  size: number;
  etag: string;
  lastModified: string;
  checksum?: string;
  blob: string;
  offset?: number;
}

export interface UploadMeta extends ObjectHeaders, ObjectAccess {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: string;
  checksumAlgorithm?: ChecksumAlgorithm;
  /** The object's class once completed; absent means STANDARD. */
  storageClass?: StorageClass;
}

interface BucketState {
  meta: BucketMeta;
  /** Each key's current version when it is not a delete marker: what GET, HEAD and ListObjects see. */
  objects: Map<string, ObjectMeta>;
  /** Each key's versions and delete markers, newest first (a never-versioned key: its one null version). */
  versions: Map<string, ObjectMeta[]>;
  sortedVersionKeys?: string[];
  /** Object commits in flight: the bucket is not empty while one may still land in its directory. */
  writing?: number;
  sortedKeys?: string[];
}

interface UploadState {
  meta: UploadMeta;
  parts: Map<number, PartMeta>;
}

/** What a completed upload answers a repeated Complete with (AWS replays it for a while). */
export interface CompletedUpload {
  bucket: string;
  key: string;
  etag: string;
  checksum?: StoredChecksum;
  /** The object's version id (Enabled bucket). */
  versionId?: string;
  /** Date.now() at completion. */
  at: number;
}

/** How long, and for how many uploads, a completed upload id is remembered (memory only). */
const COMPLETED_TTL_MS = 60 * 60 * 1000;
const COMPLETED_MAX = 10_000;

/**
 * Written at a clean close, read and removed at the next start (so a crash always falls back to the
 * rescan): starting takes one file read instead of one per object (4,000 objects: ~610 ms -> ~25 ms). The
 * directories' mtimes are recorded with it: a dir changed since (by another version) means a rescan..
 */
const INDEX_FILE = 'index.json';
const INDEX_VERSION = 2;
interface StoreIndex {
  version: number;
  /** mtimeMs of every metadata directory when the index was written, by path under the root. */
  dirs: Record<string, number>;
  /** objects: every version of every key, each key's newest first. */
  buckets: { meta: BucketMeta; objects: ObjectMeta[] }[];
  uploads: { meta: UploadMeta; parts: PartMeta[] }[];
}

const noSuchBucket = (name: string) => new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });

const hashName = (s: string) => createHash('sha256').update(s).digest('hex');

export class S3Store {
  readonly blobs: BlobStore;
  private buckets = new Map<string, BucketState>();
  private uploads = new Map<string, UploadState>();
  private completed = new Map<string, CompletedUpload>();
  private chains = new Map<string, Promise<unknown>>();
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private closing = false;
  private readonly tmpDir: string;

  /** durable: metadata files and fsync (a --data sandbox); otherwise metadata is in memory only. */
  private constructor(
    private root: string,
    private durable: boolean,
  ) {
    this.blobs = new BlobStore(join(root, 'blobs'), durable);
    this.tmpDir = join(root, 'tmp');
  }

  static async open(root: string, durable: boolean): Promise<S3Store> {
    const store = new S3Store(root, durable);
    await mkdir(root, { recursive: true });
    // The data dir is locked by the sandbox (../lock.ts); this file is an older version's PID lock.
    if (durable) await rm(join(root, 'sandbox.lock'), { force: true });
    await store.load();
    return store;
  }

  // ---- disk layout (bucket names are validated, so they are safe file names; keys never are)
  private bucketDir = (name: string) => join(this.root, 'buckets', name);
  private objectFile = (bucket: string, key: string) => join(this.bucketDir(bucket), 'objects', `${hashName(key)}.json`);
  private uploadDir = (id: string) => join(this.root, 'uploads', id);

  private async load(): Promise<void> {
    for (const d of ['buckets', 'blobs', 'uploads']) await mkdir(join(this.root, d), { recursive: true });
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
    const index = this.durable ? await readJson<StoreIndex>(join(this.root, INDEX_FILE)) : undefined;
    if (index) await rm(join(this.root, INDEX_FILE), { force: true });
    if (index?.version === INDEX_VERSION && (await this.indexCurrent(index))) return this.loadIndex(index);
    const live = new Set<string>();
    const uploadBlobs = new Set<string>();
    const objectBodies = new Set<string>();
    for (const name of await readdir(join(this.root, 'buckets'))) {
      const meta = await readJson<BucketMeta>(join(this.bucketDir(name), 'bucket.json'));
      if (!meta) {
        await rm(this.bucketDir(name), { recursive: true, force: true });
        continue;
      }
      const state: BucketState = { meta, objects: new Map(), versions: new Map() };
      const objDir = join(this.bucketDir(name), 'objects');
      for (const f of await readdir(objDir).catch(() => [] as string[])) {
        const record = await readJson<ObjectMeta | VersionsFile>(join(objDir, f));
        if (!record) continue;
        const stack = 'versions' in record ? record.versions : [record];
        if (stack.length === 0) continue;
        setStack(state, record.key, stack);
        for (const obj of stack) {
          for (const s of obj.segments) {
            live.add(s.blob);
            objectBodies.add(`${s.blob}:${s.offset ?? 0}`);
          }
        }
      }
      this.buckets.set(name, state);
    }
    for (const id of await readdir(join(this.root, 'uploads'))) {
      const meta = await readJson<UploadMeta>(join(this.uploadDir(id), 'upload.json'));
      if (!meta || !this.buckets.has(meta.bucket)) {
        await rm(this.uploadDir(id), { recursive: true, force: true });
        continue;
      }
      const state: UploadState = { meta, parts: new Map() };
      for (const f of await readdir(this.uploadDir(id))) {
        if (!f.startsWith('part-')) continue;
        const part = await readJson<PartMeta>(join(this.uploadDir(id), f));
        if (part) state.parts.set(part.partNumber, part);
      }
      // Parts already owned by an object: the upload was completed just before a crash.
      if ([...state.parts.values()].some((p) => objectBodies.has(`${p.blob}:${p.offset ?? 0}`))) {
        await rm(this.uploadDir(id), { recursive: true, force: true });
        continue;
      }
      for (const p of state.parts.values()) uploadBlobs.add(p.blob);
      this.uploads.set(id, state);
    }
    await this.blobs.sweep(new Set([...live, ...uploadBlobs]));
  }

  /** Every metadata directory and its mtimeMs (one stat each; absent ones are left out). */
  private async dirTimes(): Promise<Record<string, number>> {
    const dirs = ['buckets', 'uploads'];
    for (const name of this.buckets.keys()) dirs.push(join('buckets', name), join('buckets', name, 'objects'));
    for (const id of this.uploads.keys()) dirs.push(join('uploads', id));
    const out: Record<string, number> = {};
    for (const d of dirs) {
      const info = await stat(join(this.root, d)).catch(() => undefined);
      if (info) out[d] = info.mtimeMs;
    }
    return out;
  }

  /** True when no metadata directory changed since the index was written, and none was added. */
  private async indexCurrent(index: StoreIndex): Promise<boolean> {
    for (const [d, mtime] of Object.entries(index.dirs ?? {})) {
      if ((await stat(join(this.root, d)).catch(() => undefined))?.mtimeMs !== mtime) return false;
    }
    const listed = async (d: string) => (await readdir(join(this.root, d)).catch(() => [] as string[])).length;
    return (await listed('buckets')) === index.buckets.length && (await listed('uploads')) === index.uploads.length;
  }

  private async loadIndex(index: StoreIndex): Promise<void> {
    const live = new Set<string>();
    for (const b of index.buckets) {
      const state: BucketState = { meta: b.meta, objects: new Map(), versions: new Map() };
      const stacks = new Map<string, ObjectMeta[]>();
      for (const o of b.objects) {
        const stack = stacks.get(o.key);
        if (stack) stack.push(o);
        else stacks.set(o.key, [o]);
        for (const s of o.segments) live.add(s.blob);
      }
      for (const [key, stack] of stacks) setStack(state, key, stack);
      this.buckets.set(b.meta.name, state);
    }
    for (const u of index.uploads) {
      this.uploads.set(u.meta.uploadId, { meta: u.meta, parts: new Map(u.parts.map((p) => [p.partNumber, p])) });
      for (const p of u.parts) live.add(p.blob);
    }
    await this.blobs.sweep(live);
  }

  /** Atomically replaces a JSON file: temp file (fsynced when durable), then rename. */
  private async commitJson(file: string, data: unknown): Promise<void> {
    // A temp-dir sandbox is removed at exit and never reloaded: its metadata lives in memory only.
    if (!this.durable) return;
    const tmp = join(this.tmpDir, randomUUID());
    const h = await open(tmp, 'w');
    try {
      await h.writeFile(JSON.stringify(data));
      await h.sync();
    } finally {
      await h.close();
    }
    await rename(tmp, file);
  }

  /** Runs fn after every earlier fn of the same id: keeps disk and memory in the same order. */
  private serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.chains.get(id) ?? Promise.resolve()).then(fn, fn);
    const tail = next.catch(() => {});
    this.chains.set(id, tail);
    void tail.then(() => {
      if (this.chains.get(id) === tail) this.chains.delete(id);
    });
    return next;
  }

  /** Runs a change of state; close() waits for those in flight, then refuses new ones. */
  private async mutation<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closing) throw new Error('the S3 store is closing');
    this.inFlight++;
    try {
      return await fn();
    } finally {
      if (--this.inFlight === 0) this.idle?.();
    }
  }

  /** Waits for changes in flight, then (durable) writes the index the next start loads instead of rescanning. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.inFlight > 0) await new Promise<void>((done) => (this.idle = done));
    if (this.durable) {
      const index: StoreIndex = {
        version: INDEX_VERSION,
        dirs: await this.dirTimes(),
        buckets: [...this.buckets.values()].map((b) => ({ meta: b.meta, objects: [...b.versions.values()].flat() })),
        uploads: [...this.uploads.values()].map((u) => ({ meta: u.meta, parts: [...u.parts.values()] })),
      };
      await this.commitJson(join(this.root, INDEX_FILE), index).catch(() => {}); // without it the next start rescans
    }
    await this.blobs.close();
  }

  // ---- buckets
  listBuckets(): BucketMeta[] {
    return [...this.buckets.values()].map((b) => b.meta).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  getBucket(name: string): BucketMeta | undefined {
    return this.buckets.get(name)?.meta;
  }

  async createBucket(meta: BucketMeta): Promise<void> {
    return this.mutation(async () => {
      this.buckets.set(meta.name, { meta, objects: new Map(), versions: new Map() });
      if (this.durable) await mkdir(join(this.bucketDir(meta.name), 'objects'), { recursive: true });
      await this.commitJson(join(this.bucketDir(meta.name), 'bucket.json'), meta);
    });
  }

  async setNotification(name: string, notification: NotificationConfig): Promise<void> {
    return this.mutation(async () => {
      const state = this.buckets.get(name);
      if (!state) return;
      await this.serial(`bucket:${name}`, async () => {
        const meta = { ...state.meta, notification };
        await this.commitJson(join(this.bucketDir(name), 'bucket.json'), meta);
        state.meta = meta;
      });
    });
  }

  /** Sets (or, with undefined, deletes) the bucket's CORS rules; committed with bucket.json like the notification. */
  async setCors(name: string, cors: CorsRule[] | undefined): Promise<void> {
    const state = this.buckets.get(name);
    if (!state) return;
    await this.serial(`bucket:${name}`, async () => {
      const { cors: _old, ...rest } = state.meta;
      const meta: BucketMeta = cors ? { ...rest, cors } : rest;
      await this.commitJson(join(this.bucketDir(name), 'bucket.json'), meta);
      state.meta = meta;
    });
  }

  /** Sets the bucket's ACL; committed with bucket.json like the notification. */
  async setBucketAcl(name: string, acl: StoredAcl): Promise<void> {
    return this.mutation(async () => {
      const state = this.buckets.get(name);
      if (!state) return;
      await this.serial(`bucket:${name}`, async () => {
        const meta = { ...state.meta, acl };
        await this.commitJson(join(this.bucketDir(name), 'bucket.json'), meta);
        state.meta = meta;
      });
    });
  }

  isEmpty(name: string): boolean {
    const state = this.buckets.get(name);
    return !state || (state.versions.size === 0 && !state.writing);
  }

  async deleteBucket(name: string): Promise<void> {
    return this.mutation(async () => {
      this.buckets.delete(name);
      for (const [id, u] of this.uploads) if (u.meta.bucket === name) await this.deleteUpload(id, true);
      if (!this.durable) return;
      const doomed = join(this.tmpDir, `bucket-${randomUUID()}`);
      await rename(this.bucketDir(name), doomed);
      await rm(doomed, { recursive: true, force: true });
    });
  }

  /** Changes bucket.json's versioning or lifecycle (undefined lifecycle: deleted); committed like the notification. */
  async updateBucket(name: string, change: Pick<BucketMeta, 'versioning'> | { lifecycle: LifecycleRule[] | undefined }): Promise<void> {
    return this.mutation(async () => {
      const state = this.buckets.get(name);
      if (!state) return;
      await this.serial(`bucket:${name}`, async () => {
        const meta: BucketMeta = { ...state.meta, ...change };
        if ('lifecycle' in change && change.lifecycle === undefined) delete meta.lifecycle;
        await this.commitJson(join(this.bucketDir(name), 'bucket.json'), meta);
        state.meta = meta;
      });
    });
  }

  // ---- objects
  /** The key's current version, unless it is a delete marker. */
  getObject(bucket: string, key: string): ObjectMeta | undefined {
    return this.buckets.get(bucket)?.objects.get(key);
  }

  /** The key's versions and delete markers, newest first (empty when it has none). */
  getVersions(bucket: string, key: string): readonly ObjectMeta[] {
    return this.buckets.get(bucket)?.versions.get(key) ?? [];
  }

  /** Keys with a current version that is not a delete marker, sorted. */
  sortedKeys(bucket: string): string[] {
    const state = this.buckets.get(bucket);
    if (!state) return [];
    state.sortedKeys ??= [...state.objects.keys()].sort();
    return state.sortedKeys;
  }

  /** Keys with any version or delete marker, sorted (ListObjectVersions). */
  sortedVersionKeys(bucket: string): string[] {
    const state = this.buckets.get(bucket);
    if (!state) return [];
    state.sortedVersionKeys ??= [...state.versions.keys()].sort();
    return state.sortedVersionKeys;
  }

  /** Writes a key's stack (its file, then memory), releasing the bodies of versions no longer in it. */
  private async commitStack(bucket: string, state: BucketState, key: string, stack: ObjectMeta[]): Promise<void> {
    const before = state.versions.get(key) ?? [];
    // A temp-dir sandbox keeps metadata in memory only (commitJson): no file name to hash then.
    const file = this.durable ? this.objectFile(bucket, key) : '';
    if (stack.length === 0) {
      if (this.durable) await rm(file, { force: true });
    } else {
      const single = stack.length === 1 && stack[0]!.versionId === undefined && !stack[0]!.isDeleteMarker;
      const record: ObjectMeta | VersionsFile = single ? stack[0]! : { key, versions: stack };
      await this.commitJson(file, record).catch((err: NodeJS.ErrnoException) => {
        throw err.code === 'ENOENT' && this.buckets.get(bucket) !== state ? noSuchBucket(bucket) : err;
      });
    }
    const visibleBefore = state.objects.has(key);
    const hadVersions = state.versions.has(key);
    setStack(state, key, stack);
    if (visibleBefore !== state.objects.has(key)) state.sortedKeys = undefined;
    if (hadVersions !== state.versions.has(key)) state.sortedVersionKeys = undefined;
    const kept = new Set(stack.flatMap((v) => v.segments.map((s) => s.blob)));
    const dropped = before.flatMap((v) => v.segments.map((s) => s.blob)).filter((b) => !kept.has(b));
    if (dropped.length) this.blobs.remove(dropped);
  }

  /**
   * Commits a version whose segments are already on disk: on top of the key's stack. A null version
   * (no versionId: never-versioned or Suspended bucket) replaces the previous null version, whose body is released.
   */
  async putObject(bucket: string, obj: ObjectMeta): Promise<void> {
    return this.mutation(async () => {
      const state = this.buckets.get(bucket);
      if (!state) throw noSuchBucket(bucket);
      state.writing = (state.writing ?? 0) + 1;
      await this.serial(`object:${bucket}/${obj.key}`, async () => {
        // DeleteBucket may have removed it while the body was arriving (its directory with it).
        if (this.buckets.get(bucket) !== state) throw noSuchBucket(bucket);
        await this.commitStack(bucket, state, obj.key, pushVersion(state.versions.get(obj.key) ?? [], obj).stack);
      }).finally(() => state.writing!--);
    });
  }

  /**
   * Changes an object's tags or ACL in place (same body): `change` gets the current metadata, in
   * order with the object's other writes. Returns the committed metadata; NoSuchKey when the object is gone.
   */
  async updateObject(bucket: string, key: string, change: (obj: ObjectMeta) => ObjectMeta): Promise<ObjectMeta> {
    return this.mutation(async () => {
      const state = this.buckets.get(bucket);
      if (!state) throw noSuchBucket(bucket);
      return this.serial(`object:${bucket}/${key}`, async () => {
        const current = state.objects.get(key);
        if (!current || this.buckets.get(bucket) !== state) {
          throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
        }
        const next = change(current);
        const stack = state.versions.get(key) ?? [current];
        await this.commitStack(
          bucket,
          state,
          key,
          stack.map((v) => (v === current ? next : v)),
        );
        return next;
      });
    });
  }

  /**
   * Removes one version (or delete marker) of a key: `versionId` undefined is the null version — in a
   * never-versioned bucket, the object itself. `unless` (checked in order with the key's other writes) keeps it.
   * Returns the removed version, or undefined when there was none.
   */
  async deleteObject(
    bucket: string,
    key: string,
    versionId?: string,
    unless?: (version: ObjectMeta) => boolean,
  ): Promise<ObjectMeta | undefined> {
    return this.mutation(async () => {
      const state = this.buckets.get(bucket);
      if (!state) return undefined;
      return this.serial(`object:${bucket}/${key}`, async () => {
        const stack = state.versions.get(key) ?? [];
        const removed = stack.find((v) => v.versionId === versionId);
        if (!removed || unless?.(removed)) return undefined;
        await this.commitStack(
          bucket,
          state,
          key,
          stack.filter((v) => v !== removed),
        );
        return removed;
      });
    });
  }

  /** Puts a delete marker on top of the key's stack (a null one replaces the null version). Returns what it replaced. */
  async addDeleteMarker(bucket: string, marker: ObjectMeta): Promise<ObjectMeta | undefined> {
    return this.mutation(async () => {
      const state = this.buckets.get(bucket);
      if (!state) throw noSuchBucket(bucket);
      return this.serial(`object:${bucket}/${marker.key}`, async () => {
        if (this.buckets.get(bucket) !== state) throw noSuchBucket(bucket);
        const { stack, replaced } = pushVersion(state.versions.get(marker.key) ?? [], marker);
        await this.commitStack(bucket, state, marker.key, stack);
        return replaced;
      });
    });
  }

  // ---- multipart uploads
  async createUpload(meta: UploadMeta): Promise<void> {
    return this.mutation(async () => {
      if (this.durable) await mkdir(this.uploadDir(meta.uploadId), { recursive: true });
      await this.commitJson(join(this.uploadDir(meta.uploadId), 'upload.json'), meta);
      this.uploads.set(meta.uploadId, { meta, parts: new Map() });
    });
  }

  getUpload(id: string): { meta: UploadMeta; parts: ReadonlyMap<number, PartMeta> } | undefined {
    return this.uploads.get(id);
  }

  listUploads(bucket: string): UploadMeta[] {
    return [...this.uploads.values()]
      .map((u) => u.meta)
      .filter((u) => u.bucket === bucket)
      .sort((a, b) => (a.key === b.key ? (a.initiated < b.initiated ? -1 : 1) : a.key < b.key ? -1 : 1));
  }

  /**
   * Runs fn after every earlier exclusive fn of the same upload id. UploadPart's commit, Complete
   * and Abort go through it, so none of them sees an upload another one is half-way through ending.
   */
  exclusive<T>(uploadId: string, fn: () => Promise<T>): Promise<T> {
    return this.serial(`upload:${uploadId}`, fn);
  }

  /** Commits a part whose body is on disk; false (and the body removed) when the upload has ended. Call within exclusive(). */
  async putPart(id: string, part: PartMeta): Promise<boolean> {
    return this.mutation(async () => {
      const state = this.uploads.get(id);
      if (!state) {
        this.blobs.remove([part.blob]);
        return false;
      }
      await this.commitJson(join(this.uploadDir(id), `part-${part.partNumber}.json`), part);
      const previous = state.parts.get(part.partNumber);
      state.parts.set(part.partNumber, part);
      if (previous && previous.blob !== part.blob) this.blobs.remove([previous.blob]);
      return true;
    });
  }

  /** The result of an upload completed within the last hour, for a repeated Complete or a late Abort. */
  completedUpload(id: string): CompletedUpload | undefined {
    const done = this.completed.get(id);
    if (done && Date.now() - done.at > COMPLETED_TTL_MS) this.completed.delete(id);
    return this.completed.get(id);
  }

  /** Ends an upload whose object is committed: parts not in the object are removed, the result remembered. Call within exclusive(). */
  async finishUpload(id: string, bucket: string, obj: ObjectMeta): Promise<void> {
    return this.mutation(async () => {
      await this.deleteUpload(id, true, new Set(obj.segments.map((s) => s.blob)));
      this.completed.set(id, { bucket, key: obj.key, etag: obj.etag, checksum: obj.checksum, versionId: obj.versionId, at: Date.now() });
      // Map order is insertion order: the oldest records go first.
      for (const old of this.completed.keys()) {
        if (this.completed.size <= COMPLETED_MAX) break;
        this.completed.delete(old);
      }
    });
  }

  /** Drops the upload; its part bodies are removed unless kept (those now belong to an object). */
  async deleteUpload(id: string, removeParts: boolean, keep: Set<string> = new Set()): Promise<void> {
    return this.mutation(async () => {
      const state = this.uploads.get(id);
      if (!state) return;
      this.uploads.delete(id);
      if (this.durable) await rm(this.uploadDir(id), { recursive: true, force: true });
      if (removeParts) this.blobs.remove([...state.parts.values()].map((p) => p.blob).filter((b) => !keep.has(b)));
    });
  }
}

/** Installs a key's stack (newest first) in memory: its current version is visible unless it is a delete marker. */
function setStack(state: BucketState, key: string, stack: ObjectMeta[]): void {
  if (stack.length === 0) state.versions.delete(key);
  else state.versions.set(key, stack);
  const current = stack[0];
  if (current && !current.isDeleteMarker) state.objects.set(key, current);
  else state.objects.delete(key);
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
