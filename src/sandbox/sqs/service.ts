/**
 * How the router recognises SQS's requests — signed for `sqs` (either protocol, also a query POST to a queue URL
 * such as `/000000000000/q`, which the signing scope keeps from S3), or `X-Amz-Target: AmazonSQS.*` — and its start-up.
 */
import type { ServiceDefinition } from '../context.js';
import { createSqsService } from './index.js';

export const sqsService: ServiceDefinition = {
  signingName: 'sqs',
  protocol: 'json-1.0',
  targetPrefix: 'AmazonSQS.',
  access: () => ({ anonymous: 'never', crossOrigin: 'never' }),
  async start(ctx) {
    const sqs = await createSqsService(ctx);
    ctx.queues = sqs.registry;
    return sqs;
  },
};
