/** How the router recognises EventBridge's requests (JSON 1.1, `X-Amz-Target: AWSEvents.*`, signed for `events`), and its start-up. */
import type { ServiceDefinition } from '../context.js';
import { createEventsService } from './index.js';

export const eventsService: ServiceDefinition = {
  signingName: 'events',
  protocol: 'json-1.1',
  targetPrefix: 'AWSEvents.',
  access: () => ({ anonymous: 'never', crossOrigin: 'never' }),
  async start(ctx) {
    const events = createEventsService(ctx);
    ctx.eventBus = events.registry;
    return events;
  },
};
