import type { FunctionRegistry, SandboxContext, SandboxService } from '../context.js';

// Placeholder until the Lambda service lands.
export async function createLambdaService(_ctx: SandboxContext): Promise<SandboxService & { registry: FunctionRegistry }> {
  return {
    registry: { exists: () => false },
    async handle(_req, res) {
      res.statusCode = 501;
      res.end();
    },
    async close() {},
  };
}
