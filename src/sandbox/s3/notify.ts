/** Publishes the S3 event record of an object-level change to every matching destination. */
import { randomBytes } from 'node:crypto';
import { S3_SERVICE_PRINCIPAL } from '../../aws/s3-events.js';
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
  /** The object's storage class (restores: EventBridge's `source-storage-class`); not a field of the record. */
  storageClass?: string;
}

/** Who made a change: the request's ids and caller, or S3 itself. */
export interface EventOrigin {
  requestId: string;
  hostId: string;
  sourceIp: string;
  /** Default: the sandbox's caller. */
  principalId?: string;
  /** The request's X-Amzn-Trace-Id, carried to the destinations for Lambda's recursive loop detection. */
  traceHeader?: string;
}

export class EventPublisher {
  private sequencer = new Sequencer();

  constructor(private ctx: SandboxContext) {}

  /** Call after the change is committed and its response sent. eventName like 'ObjectCreated:Put'. */
  publish(bucket: BucketMeta, eventName: string, key: string, call: S3Call, object: PublishedObject = {}): void {
    const trace = call.req.headers['x-amzn-trace-id'];
    const traceHeader = Array.isArray(trace) ? trace[0] : trace;
    const origin = {
      requestId: call.requestId,
      hostId: call.hostId,
      sourceIp: call.req.socket.remoteAddress ?? '127.0.0.1',
      ...(traceHeader ? { traceHeader } : {}),
    };
    this.publishFrom(bucket, eventName, key, origin, object);
  }

  /**
   * A change S3 makes on its own, with no request behind it (a restore completing or its copy expiring): fresh
   * request and host ids in S3's formats, source address `s3.amazonaws.com` as AWS writes it for such changes.
   */
  publishByS3(bucket: BucketMeta, eventName: string, key: string, object: PublishedObject = {}): void {
    const origin = {
      requestId: randomBytes(8).toString('hex').toUpperCase(),
      hostId: randomBytes(32).toString('base64'),
      sourceIp: S3_SERVICE_PRINCIPAL,
    };
    this.publishFrom(bucket, eventName, key, origin, object);
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
        this.ctx.s3Events.publish({
          record,
          destination,
          ...(object.storageClass ? { storageClass: object.storageClass } : {}),
          ...(origin.traceHeader ? { traceHeader: origin.traceHeader } : {}),
        });
      } catch (err) {
        this.ctx.log(`s3: event subscriber failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
