/**
 * The built-in demo function `event-handler`: the blog's handler in node. One console.log per line,
 * so each line is its own log event and `aws logs tail | grep -oP '\d{4}-...'` prints the blog's block.
 */
export const DEMO_FUNCTION_NAME = 'event-handler';
export const DEMO_HANDLER = 'index.handler';
export const DEMO_RUNTIME = 'nodejs20.x';

export const DEMO_HANDLER_SOURCE = `
const pad = (n) => String(n).padStart(2, '0');

// datetime.now().strftime("%Y-%m-%dT%H:%M:%S"): local time (UTC on Lambda).
function localTimestamp(d = new Date()) {
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) +
    'T' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

export const handler = async (event) => {
  const records = event?.Records ?? [];
  for (const record of records) {
    const eventName = record.eventName ?? 'UnknownEvent';
    const eventTime = record.eventTime ?? 'UnknownTime';
    const s3 = record.s3 ?? {};
    const bucket = s3.bucket?.name ?? 'UnknownBucket';
    const key = s3.object?.key ?? 'UnknownKey';
    const size = s3.object?.size ?? 0;
    const etag = s3.object?.eTag ?? '';
    const operation = eventName.split(':').pop();
    const ts = localTimestamp();
    const dashes = '-------------------------------';
    for (const line of [
      'S3 Event Detected',
      dashes,
      'Event Type: ' + eventName + ' (' + operation + ')',
      'Timestamp:  ' + eventTime,
      'Bucket:     ' + bucket,
      'Object:     ' + key,
      'Size:       ' + size + ' bytes',
      'ETag:       ' + etag,
      dashes,
    ]) {
      console.log(ts + ' ' + line);
    }
  }
  return { statusCode: 200, body: 'Processed ' + records.length + ' events' };
};
`;
