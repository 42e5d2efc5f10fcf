/** How the router recognises SNS's requests (query protocol, signed for `sns`; its only path is `/`), and its start-up. */
import type { ServiceDefinition } from '../context.js';
import { createSnsService } from './index.js';

export const snsService: ServiceDefinition = {
  signingName: 'sns',
  protocol: 'query',
  // No `paths`: SNS's `/` is S3's ListBuckets too, so only the signing scope tells an SNS request apart.
  access: () => ({ anonymous: 'never', crossOrigin: 'never' }),
  async start(ctx) {
    const sns = createSnsService(ctx);
    ctx.topics = sns.model.registry();
    return sns;
  },
};
