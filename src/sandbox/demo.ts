import type { Sandbox } from './server.js';

export interface DemoOptions {
  bucket: string;
  /** The user's handler, `FILE[:func]` (.js/.mjs/.py); default: the built-in event-handler. */
  handler?: string;
}

export interface DemoSetup {
  functionName: string;
  functionArn: string;
  logGroup: string;
}

// Placeholder until the Lambda service lands: creates bucket, function and notification configuration.
export async function setupDemo(_sandbox: Sandbox, _options: DemoOptions): Promise<DemoSetup> {
  throw new Error('demo setup not implemented yet');
}
