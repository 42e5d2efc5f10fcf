/**
 * Applies the buckets' lifecycle expiration rules by the sandbox clock. One lifecycle day is 1 s × `--timing-scale`
 * (AWS's days, 86,400 times faster: `Days: 7` expires an object 7 s after it was written, 0.35 s with
 * `--timing-scale 0.05`); an Expiration `Date` is the real date. AWS runs lifecycle once a day at midnight UTC and
 * dates its delete markers midnight; the sandbox sweeps a few times per lifecycle day and dates them when made.
 * Records as AWS's docs show them ("Configuring S3 Lifecycle event notifications"): principal and source
 * `s3.amazonaws.com`, no size; `LifecycleExpiration:DeleteMarkerCreated` carries the marker's eTag (the empty
 * body's MD5, as `ObjectRemoved:DeleteMarkerCreated` does) and its version id.
 */
import { randomBytes } from 'node:crypto';
import type { S3Deps } from './handlers/common.js';
import { DELETE_MARKER_ETAG, writeVersionId } from './handlers/versioning.js';
import { dueActions, type LifecycleAction } from './lifecycle.js';
import type { EventOrigin, PublishedObject } from './notify.js';
import type { BucketMeta, ObjectMeta } from './store.js';
import { recordVersionId } from './versioning.js';

/** One lifecycle day on the sandbox, in ms: a second, times the timing scale. */
export const lifecycleDayMs = (scale: number): number => 1000 * scale;

/** How often the rules are checked: four times per lifecycle day, between 20 ms and a minute. */
export const lifecycleSweepMs = (dayMs: number): number => Math.min(Math.max(dayMs / 4, 20), 60_000);

const S3_ITSELF = 's3.amazonaws.com';

export class LifecycleRunner {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: S3Deps,
    private readonly dayMs: number,
  ) {}

  /** Starts the periodic sweep (unref'd: it never keeps the process alive). */
  start(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((err: unknown) => this.deps.ctx.log(`s3: lifecycle sweep: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => (this.sweeping = undefined));
    }, lifecycleSweepMs(this.dayMs));
    this.timer.unref();
  }

  /** Stops the sweep and waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** Applies every action due at `nowMs` in every bucket with rules. */
  async sweep(nowMs = Date.now()): Promise<void> {
    const { store, ctx } = this.deps;
    for (const listed of store.listBuckets()) {
      if (!listed.lifecycle?.length) continue;
      for (const key of [...store.sortedVersionKeys(listed.name)]) {
        if (this.stopped) return;
        const bucket = store.getBucket(listed.name);
        if (!bucket?.lifecycle?.length) break;
        const stack = store.getVersions(bucket.name, key);
        for (const action of dueActions(bucket.lifecycle, stack, nowMs, this.dayMs)) {
          try {
            await this.apply(bucket, key, stack, action);
          } catch (err) {
            ctx.log(`s3: lifecycle ${bucket.name}/${key}: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      }
    }
  }

  private async apply(bucket: BucketMeta, key: string, stack: readonly ObjectMeta[], action: LifecycleAction): Promise<void> {
    const { store } = this.deps;
    const current = stack[0]!;
    if (action.kind === 'expire-current') {
      if (!bucket.versioning) {
        const removed = await store.deleteObject(bucket.name, key, undefined, (v) => v !== current);
        if (removed) this.publish(bucket, 'LifecycleExpiration:Delete', key, {});
        return;
      }
      if (store.getVersions(bucket.name, key)[0] !== current) return;
      const versionId = writeVersionId(bucket);
      const marker: ObjectMeta = {
        key,
        size: 0,
        etag: DELETE_MARKER_ETAG,
        lastModified: new Date().toISOString(),
        metadata: {},
        segments: [],
        isDeleteMarker: true,
        ...(versionId ? { versionId } : {}),
      };
      await store.addDeleteMarker(bucket.name, marker);
      this.publish(bucket, 'LifecycleExpiration:DeleteMarkerCreated', key, {
        etag: DELETE_MARKER_ETAG,
        versionId: recordVersionId(marker),
      });
      return;
    }
    const onlyMarker = action.kind === 'remove-expired-marker';
    const removed = await store.deleteObject(bucket.name, key, action.versionId, (v) =>
      onlyMarker ? store.getVersions(bucket.name, key).length !== 1 || v !== current : false,
    );
    if (removed) this.publish(bucket, 'LifecycleExpiration:Delete', key, { versionId: recordVersionId(removed) });
  }

  private publish(bucket: BucketMeta, eventName: string, key: string, object: PublishedObject): void {
    const origin: EventOrigin = {
      requestId: randomBytes(8).toString('hex').toUpperCase(),
      hostId: randomBytes(32).toString('base64'),
      sourceIp: S3_ITSELF,
      principalId: S3_ITSELF,
    };
    this.deps.events.publishFrom(bucket, eventName, key, origin, object);
  }
}
