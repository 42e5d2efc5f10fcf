/**
 * The clock behind restores: completes each restore when its tier's delay is over (`ObjectRestore:Completed`, with
 * AWS's `glacierEventData`) and expires each restored copy when its days are over (`ObjectRestore:Delete`; the object
 * is archived again). The state lives in the object's metadata (restore.ts RestoreState), so with `--data` a restart
 * picks every restore up again: what fell due while the sandbox was stopped happens at start. Timers are unref'd and
 * cleared by close().
 */
import type { SandboxContext } from '../context.js';
import type { EventPublisher } from './notify.js';
import { restoredUntil, type RestoreState } from './restore.js';
import type { ObjectMeta, S3Store } from './store.js';

/** setTimeout's longest delay; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class RestoreClock {
  private timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private store: S3Store,
    private events: EventPublisher,
    private ctx: Pick<SandboxContext, 'timing' | 'log'>,
  ) {}

  /** AWS milliseconds as sandbox milliseconds (a minute takes a second, times the timing scale). */
  readonly waitMs = (awsMs: number): number => this.ctx.timing.awsWaitMs(awsMs);

  /** Schedules every restore found in the store (at start). */
  resume(): void {
    for (const bucket of this.store.listBuckets()) {
      for (const key of this.store.sortedKeys(bucket.name)) {
        const restore = this.store.getObject(bucket.name, key)?.restore;
        if (restore) this.watch(bucket.name, key, restore);
      }
    }
  }

  /** Schedules the next step of a restore: its completion while in progress, else its copy's expiry. */
  watch(bucket: string, key: string, state: RestoreState): void {
    const due = Date.parse(state.expiresAt ?? state.completesAt);
    this.arm(`${bucket}\n${key}`, due, () => void this.step(bucket, key, state.requestedAt));
  }

  /** Clears every timer; steps already running finish or find the store closing. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(id: string, due: number, fire: () => void): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(id));
    const wait = Math.max(0, due - Date.now());
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        if (Date.now() < due) this.arm(id, due, fire);
        else fire();
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.set(id, timer);
  }

  /** Completes or expires the restore `requestedAt` names; does nothing when the object or its restore changed since. */
  private async step(bucket: string, key: string, requestedAt: string): Promise<void> {
    const current = this.store.getObject(bucket, key)?.restore;
    if (current?.requestedAt !== requestedAt) return;
    try {
      let event: 'ObjectRestore:Completed' | 'ObjectRestore:Delete' | undefined;
      const obj = await this.store.updateObject(bucket, key, (o) => {
        const restore = o.restore;
        event = undefined;
        if (restore?.requestedAt !== requestedAt) return o;
        if (restore.expiresAt === undefined) {
          event = 'ObjectRestore:Completed';
          return { ...o, restore: { ...restore, expiresAt: restoredUntil(Date.parse(restore.completesAt), restore.days, this.waitMs) } };
        }
        if (Date.parse(restore.expiresAt) > Date.now()) return o; // extended meanwhile: watch() re-armed it
        event = 'ObjectRestore:Delete';
        const { restore: _expired, ...archived } = o;
        return archived;
      });
      if (event) this.announce(bucket, obj, event);
      if (obj.restore?.requestedAt === requestedAt && event === 'ObjectRestore:Completed') this.watch(bucket, key, obj.restore);
    } catch (err) {
      if (this.closed) return;
      this.ctx.log(`s3: restore of s3://${bucket}/${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private announce(bucket: string, obj: ObjectMeta, event: 'ObjectRestore:Completed' | 'ObjectRestore:Delete'): void {
    const meta = this.store.getBucket(bucket);
    if (!meta) return;
    const restore = obj.restore;
    this.events.publishByS3(meta, event, obj.key, {
      size: obj.size,
      etag: obj.etag,
      ...(obj.storageClass ? { storageClass: obj.storageClass } : {}),
      ...(event === 'ObjectRestore:Completed' && restore?.expiresAt
        ? {
            glacierEventData: {
              restoreEventData: {
                lifecycleRestorationExpiryTime: restore.expiresAt,
                lifecycleRestoreStorageClass: obj.storageClass ?? 'STANDARD',
              },
            },
          }
        : {}),
    });
  }
}
