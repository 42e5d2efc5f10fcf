/** How the router recognises Lambda's requests (REST-JSON under /2015-03-31/...), and its start-up. */
import type { ServiceDefinition } from '../context.js';
import { createLambdaService } from './index.js';

export const lambdaService: ServiceDefinition = {
  signingName: 'lambda',
  protocol: 'rest-json',
  paths: /^\/20\d\d-\d\d-\d\d\/(?:functions|event-source-mappings|tags|account-settings)(?:[/?]|$)/,
  // Every Lambda API call runs code or reads it: always signed, never from a browser on another origin.
  access: () => ({ anonymous: 'never', crossOrigin: 'never' }),
  async start(ctx) {
    const lambda = await createLambdaService(ctx);
    ctx.functions = lambda.registry;
    return lambda;
  },
};
