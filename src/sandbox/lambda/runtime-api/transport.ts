/** The Runtime API as an execution environment's transport (runtimes/transport.ts): one server per environment. */
import type { ChildProcess, StdioOptions } from 'node:child_process';
import type { RuntimeMessage, RuntimeTransport, TransportInvocation } from '../runtimes/transport.js';
import { newTraceId, RuntimeApiServer } from './server.js';

export class RuntimeApiTransport implements RuntimeTransport {
  readonly stdio: StdioOptions = ['ignore', 'pipe', 'pipe'];
  readonly marksOutput = false;
  private onMessage: (msg: RuntimeMessage) => void = () => {};
  private readonly server = new RuntimeApiServer({
    ready: () => this.onMessage({ type: 'ready' }),
    initError: (error, payload) => this.onMessage({ type: 'init-error', error, payload }),
    response: (requestId, body) =>
      new Promise<void>((drained) => this.onMessage({ type: 'done', requestId, ok: true, result: body, drained })),
    invocationError: (requestId, error, payload) =>
      new Promise<void>((drained) => this.onMessage({ type: 'done', requestId, ok: false, error, payload, drained })),
    responseTooLarge: (requestId, error, payload) => this.onMessage({ type: 'done', requestId, ok: false, error, payload }),
  });

  async start(): Promise<Record<string, string>> {
    return { AWS_LAMBDA_RUNTIME_API: await this.server.listen() };
  }

  attach(_child: ChildProcess, onMessage: (msg: RuntimeMessage) => void): void {
    this.onMessage = onMessage;
  }

  invoke(inv: TransportInvocation): void {
    this.server.invoke({
      requestId: inv.requestId,
      payload: inv.payload,
      deadlineMs: inv.deadlineMs,
      invokedFunctionArn: inv.invokedFunctionArn,
      traceId: inv.traceId ?? newTraceId(),
      ...(inv.clientContext ? { clientContext: inv.clientContext } : {}),
    });
  }

  close(): void {
    this.server.close();
  }
}
