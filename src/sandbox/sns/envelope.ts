/**
 * What subscribers receive: the SNS record of Lambda's event, and the JSON notification SNS writes to SQS
 * queues and HTTP endpoints. Field names, order and formatting follow AWS's recorded deliveries: Lambda gets
 * `SigningCertUrl`/`UnsubscribeUrl` and `"Subject": null` when there is none (Lambda Developer Guide, "Using Lambda
 * with Amazon SNS"; a recorded S3 -> SNS -> Lambda event); SQS and HTTP get `SigningCertURL`/`UnsubscribeURL`, no
 * Subject when there is none, in AWS's `"Name" : value` layout (SNS Developer Guide, "Amazon SNS message and JSON
 * formats"). The signature has the shape of a SignatureVersion 1 signature (256 bytes, base64); the sandbox holds
 * no SNS signing key, so it does not verify.
 */
import { createHash } from 'node:crypto';
import type { MessageAttribute } from './message-attributes.js';

/** One published message on its way to one subscription. */
export interface Notification {
  messageId: string;
  topicArn: string;
  subject?: string;
  /** The text this subscription gets (MessageStructure=json already resolved). */
  message: string;
  /** ISO 8601 with milliseconds, UTC. */
  timestamp: string;
  attributes: Record<string, MessageAttribute>;
  /** The trace header the publish carried (X-Amzn-Trace-Id), passed on to Lambda and SQS as AWS does for loop detection. */
  traceHeader?: string;
}

const CERT_ID = createHash('md5').update('s3trigger sandbox SNS').digest('hex');

/** `https://sns.<region>.amazonaws.com/SimpleNotificationService-<hex>.pem`, as AWS names its certificates. */
export const signingCertUrl = (region: string) => `https://sns.${region}.amazonaws.com/SimpleNotificationService-${CERT_ID}.pem`;

/** AWS's unsubscribe link of a subscription. */
export const unsubscribeUrl = (region: string, subscriptionArn: string) =>
  `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`;

/** 256 bytes derived from the message (stable for one message), base64: the shape of an RSA-2048 signature. */
export function signatureOf(n: Notification, subscriptionArn: string): string {
  const seed = `${n.messageId}\n${n.topicArn}\n${subscriptionArn}\n${n.timestamp}\n${n.message}`;
  const blocks: Buffer[] = [];
  for (let i = 0; i < 4; i++) blocks.push(createHash('sha512').update(`${i}\n${seed}`).digest());
  return Buffer.concat(blocks).toString('base64');
}

/** `{ Type, Value }` per attribute; binary values in base64. */
export function envelopeAttributes(attributes: Record<string, MessageAttribute>): Record<string, { Type: string; Value: string }> {
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [name, a] of Object.entries(attributes)) {
    out[name] = { Type: a.DataType, Value: a.BinaryValue ? Buffer.from(a.BinaryValue).toString('base64') : (a.StringValue ?? '') };
  }
  return out;
}

/** The event a Lambda subscription's function receives: `{"Records":[{EventSource, EventVersion, EventSubscriptionArn, Sns}]}`. */
export function lambdaEvent(n: Notification, subscriptionArn: string, region: string): string {
  return JSON.stringify({
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: n.messageId,
          TopicArn: n.topicArn,
          Subject: n.subject ?? null,
          Message: n.message,
          Timestamp: n.timestamp,
          SignatureVersion: '1',
          Signature: signatureOf(n, subscriptionArn),
          SigningCertUrl: signingCertUrl(region),
          UnsubscribeUrl: unsubscribeUrl(region, subscriptionArn),
          MessageAttributes: envelopeAttributes(n.attributes),
        },
      },
    ],
  });
}

/** AWS's layout: two-space indent, `"Name" : value`, attributes one compact object a line. */
function awsLayout(fields: [string, string | Record<string, unknown>][]): string {
  const lines = fields.map(([name, value]) => {
    if (typeof value === 'string') return `  ${JSON.stringify(name)} : ${JSON.stringify(value)}`;
    const inner = Object.entries(value).map(([k, v]) => `    ${JSON.stringify(k)} : ${JSON.stringify(v)}`);
    return `  ${JSON.stringify(name)} : {\n${inner.join(',\n')}\n  }`;
  });
  return `{\n${lines.join(',\n')}\n}`;
}

/** The JSON notification an SQS (or HTTP) subscription receives when RawMessageDelivery is off. */
export function notificationBody(n: Notification, subscriptionArn: string, region: string): string {
  const fields: [string, string | Record<string, unknown>][] = [
    ['Type', 'Notification'],
    ['MessageId', n.messageId],
    ['TopicArn', n.topicArn],
  ];
  if (n.subject !== undefined) fields.push(['Subject', n.subject]);
  fields.push(
    ['Message', n.message],
    ['Timestamp', n.timestamp],
    ['SignatureVersion', '1'],
    ['Signature', signatureOf(n, subscriptionArn)],
    ['SigningCertURL', signingCertUrl(region)],
    ['UnsubscribeURL', unsubscribeUrl(region, subscriptionArn)],
  );
  if (Object.keys(n.attributes).length > 0) fields.push(['MessageAttributes', envelopeAttributes(n.attributes)]);
  return awsLayout(fields);
}

/** The SubscriptionConfirmation an http(s) endpoint receives (SNS Developer Guide, "HTTP/HTTPS subscription confirmation JSON format"). */
export function subscriptionConfirmationBody(
  c: { messageId: string; token: string; topicArn: string; timestamp: string },
  region: string,
): string {
  const subscribeUrl = `https://sns.${region}.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${c.topicArn}&Token=${c.token}`;
  const n: Notification = { messageId: c.messageId, topicArn: c.topicArn, message: '', timestamp: c.timestamp, attributes: {} };
  return awsLayout([
    ['Type', 'SubscriptionConfirmation'],
    ['MessageId', c.messageId],
    ['Token', c.token],
    ['TopicArn', c.topicArn],
    [
      'Message',
      `You have chosen to subscribe to the topic ${c.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    ],
    ['SubscribeURL', subscribeUrl],
    ['Timestamp', c.timestamp],
    ['SignatureVersion', '1'],
    ['Signature', signatureOf(n, c.token)],
    ['SigningCertURL', signingCertUrl(region)],
  ]);
}
