import type { SandboxContext, SandboxService } from '../context.js';

// Placeholder until the S3 service lands.
export async function createS3Service(_ctx: SandboxContext): Promise<SandboxService> {
  return {
    async handle(_req, res) {
      res.statusCode = 501;
      res.end();
    },
    async close() {},
  };
}
