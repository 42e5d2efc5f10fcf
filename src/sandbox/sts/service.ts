/** How the router recognises STS's requests (query protocol, signed for `sts`; its only path is `/`), and its start-up. */
import type { ServiceDefinition } from '../context.js';
import { createStsService } from './index.js';

export const stsService: ServiceDefinition = {
  signingName: 'sts',
  protocol: 'query',
  // No `paths`: STS's `/` is S3's ListBuckets too, so only the signing scope tells an STS request apart.
  access: () => ({ anonymous: 'never', crossOrigin: 'never' }),
  start: async (ctx) => createStsService(ctx),
};
