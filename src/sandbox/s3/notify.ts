/** Publishes the S3 event record of an object-level change to every matching destination. */
import type { SandboxContext } from '../context.js';
import { buildEventRecord, type GlacierEventData, Sequencer } from './event-record.js';
import type { S3Call } from './http.js';
import { matchingDestinations } from './notification-config.js';
import type { BucketMeta } from './store.js';

/** What an event record says about the object: size/eTag where the type carries them, versionId, restore data. */
export interface PublishedObject {
  size?: number;
  etag?: string;
  versionId?: string;
  glacierEventData?: GlacierEventData;
}

/** Who made a change: the request's ids and caller, or S3 itself. */
export interface EventOrigin {
  requestId: string;
  hostId: string;
  sourceIp: string;
  /** Default: the sandbox's caller. */
  principalId?: string;
}

export class EventPublisher {
  private sequencer = new Sequencer();

  constructor(private ctx: SandboxContext) {}

  /** Call after the change is committed and its response sent. eventName like 'ObjectCreated:Put'. */
  publish(bucket: BucketMeta, eventName: string, key: string, call: S3Call, object: PublishedObject = {}): void {
    this.publishFrom(
      bucket,
      eventName,
      key,
      { requestId: call.requestId, hostId: call.hostId, sourceIp: call.req.socket.remoteAddress ?? '127.0.0.1' },
      object,
    );
  }

  /** For changes S3 makes itself (lifecycle expiration): AWS's records name `s3.amazonaws.com` as principal and source. */
  publishFrom(bucket: BucketMeta, eventName: string, key: string, origin: EventOrigin, object: PublishedObject = {}): void {
    const destinations = matchingDestinations(bucket.notification, eventName, key);
    if (destinations.length === 0) return;
    const sequencer = this.sequencer.next();
    const eventTime = new Date();
    for (const destination of destinations) {
      const record = buildEventRecord({
        eventName,
        region: bucket.region,
        bucket: bucket.name,
        key,
        size: object.size,
        etag: object.etag,
        versionId: object.versionId,
        glacierEventData: object.glacierEventData,
        requestId: origin.requestId,
        hostId: origin.hostId,
        sourceIp: origin.sourceIp,
        principalId: origin.principalId,
        eventTime,
        sequencer,
        configurationId: destination.kind === 'eventbridge' ? '' : destination.configurationId,
      });
      try {
        this.ctx.s3Events.publish({ record, destination });
      } catch (err) {
        this.ctx.log(`s3: event subscriber failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
