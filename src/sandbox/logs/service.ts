/** How the router recognises CloudWatch Logs' requests (JSON 1.1, `X-Amz-Target: Logs_20140328.*`), and its start-up. */
import type { ServiceDefinition } from '../context.js';
import { createLogsService } from './index.js';

export const logsService: ServiceDefinition = {
  signingName: 'logs',
  protocol: 'json-1.1',
  targetPrefix: 'Logs_20140328.',
  access: () => ({ anonymous: 'never', crossOrigin: 'never' }),
  async start(ctx) {
    const logs = await createLogsService(ctx, { maxMb: ctx.logsMaxMb });
    ctx.logs = logs.sink;
    return logs;
  },
};
