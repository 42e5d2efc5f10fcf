import type { LogsSink, SandboxContext, SandboxService } from '../context.js';

// Placeholder until the Logs service lands.
export async function createLogsService(_ctx: SandboxContext): Promise<SandboxService & { sink: LogsSink }> {
  return {
    sink: { append: () => {} },
    async handle(_req, res) {
      res.statusCode = 501;
      res.end();
    },
    async close() {},
  };
}
