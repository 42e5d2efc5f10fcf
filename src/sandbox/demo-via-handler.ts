/**
 * The demo functions of the `--via` topologies: the demo handler's printed block (Event Type, Timestamp, Bucket,
 * Object…) for each S3 event found in what arrives — plain S3 records, records inside SNS notifications
 * (`Sns.Message`), SQS bodies (also an SNS notification inside a body) and EventBridge `detail` — after one line
 * with the event as received (JSON), so the whole envelope can be read back from the log. s3:TestEvent messages
 * are named as such. `--via direct` keeps lambda/demo-handler.ts unchanged.
 */
import { zipPackage } from './lambda/zip.js';
import { DEMO_HANDLER, DEMO_RUNTIME } from './lambda/demo-handler.js';
import type { DemoPackage } from './demo.js';

export const VIA_HANDLER_SOURCE = `
const pad = (n) => String(n).padStart(2, '0');

function localTimestamp(d = new Date()) {
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) +
    'T' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

// EventBridge reason (+ deletion-type) -> the S3 event name the block prints.
const EVENT_NAMES = {
  PutObject: 'ObjectCreated:Put',
  'POST Object': 'ObjectCreated:Post',
  CopyObject: 'ObjectCreated:Copy',
  CompleteMultipartUpload: 'ObjectCreated:CompleteMultipartUpload',
};

// The key as S3 records carry it (form-urlencoded, '/' kept): EventBridge sends it raw.
const formEncode = (key) =>
  encodeURIComponent(key).replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+').replace(/%2F/g, '/');

function eventBridgeName(event) {
  const d = event.detail;
  if (EVENT_NAMES[d.reason]) return EVENT_NAMES[d.reason];
  if (event['detail-type'] === 'Object Deleted') {
    const family = d.reason === 'Lifecycle Expiration' ? 'LifecycleExpiration' : 'ObjectRemoved';
    return family + (d['deletion-type'] === 'Delete Marker Created' ? ':DeleteMarkerCreated' : ':Delete');
  }
  return event['detail-type'];
}

function collect(node, out, depth) {
  if (depth > 8 || node === null || node === undefined) return;
  if (typeof node === 'string') {
    if (node.trimStart().startsWith('{')) {
      try {
        collect(JSON.parse(node), out, depth + 1);
      } catch {}
    }
    return;
  }
  if (Array.isArray(node)) {
    for (const item of node) collect(item, out, depth + 1);
    return;
  }
  if (typeof node !== 'object') return;
  if (node.Event === 's3:TestEvent') {
    out.push({ test: true, bucket: node.Bucket, time: node.Time });
    return;
  }
  if (node.s3 && node.s3.object) {
    const o = node.s3.object;
    out.push({ eventName: node.eventName, time: node.eventTime, bucket: node.s3.bucket?.name, key: o.key, size: o.size, etag: o.eTag });
    return;
  }
  if (node['detail-type'] && node.detail && node.detail.object) {
    const d = node.detail;
    const o = d.object;
    out.push({ eventName: eventBridgeName(node), time: node.time, bucket: d.bucket?.name, key: formEncode(o.key), size: o.size, etag: o.etag });
    return;
  }
  for (const value of [node.Records, node.Sns && node.Sns.Message, node.body, node.Message]) collect(value, out, depth + 1);
}

export const handler = async (event) => {
  console.log('EVENT ' + JSON.stringify(event));
  const found = [];
  collect(event, found, 0);
  const ts = localTimestamp();
  const dashes = '-------------------------------';
  for (const r of found) {
    if (r.test) {
      console.log(ts + ' s3:TestEvent for bucket ' + r.bucket + ' at ' + r.time);
      continue;
    }
    const eventName = r.eventName ?? 'UnknownEvent';
    for (const line of [
      'S3 Event Detected',
      dashes,
      'Event Type: ' + eventName + ' (' + eventName.split(':').pop() + ')',
      'Timestamp:  ' + (r.time ?? 'UnknownTime'),
      'Bucket:     ' + (r.bucket ?? 'UnknownBucket'),
      'Object:     ' + (r.key ?? 'UnknownKey'),
      'Size:       ' + (r.size ?? 0) + ' bytes',
      'ETag:       ' + (r.etag ?? ''),
      dashes,
    ]) {
      console.log(ts + ' ' + line);
    }
  }
  return { statusCode: 200, body: 'Processed ' + found.length + ' events' };
};
`;

/** The built-in package of the `--via` demo functions. */
export function viaDemoPackage(): DemoPackage {
  return { runtime: DEMO_RUNTIME, handler: DEMO_HANDLER, zip: zipPackage({ 'index.mjs': VIA_HANDLER_SOURCE }) };
}
