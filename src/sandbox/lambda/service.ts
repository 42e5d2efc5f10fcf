/** How the router recognises Lambda's requests (REST-JSON under /2015-03-31/...), and its start-up. */
import type { ServiceDefinition } from '../context.js';
import { createLambdaService } from './index.js';

const CODE_LOCATION = /^\/2015-03-31\/functions\/[^/?]+\/code\.zip(?:\?|$)/;

export const lambdaService: ServiceDefinition = {
  signingName: 'lambda',
  protocol: 'rest-json',
  paths: /^\/20\d\d-\d\d-\d\d\/(?:functions|event-source-mappings|tags|account-settings)(?:[/?]|$)/,
  // Signed, never from a browser on another origin; GetFunction's Code.Location is fetched as is (on AWS a
  // presigned S3 URL), so that one download stays open to this machine.
  access: (req) => ({
    anonymous: req.method === 'GET' && CODE_LOCATION.test(req.url) ? 'loopback' : 'never',
    crossOrigin: 'never',
  }),
  async start(ctx) {
    const lambda = await createLambdaService(ctx);
    ctx.functions = lambda.registry;
    return lambda;
  },
};
