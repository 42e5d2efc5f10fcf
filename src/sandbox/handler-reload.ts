/**
 * Hot reload of the embedded sandbox's demo function(s) for `--handler FILE`: watches the handler's folder
 * (lambda/hot-reload.ts) and, when the package changes, sends UpdateFunctionCode for each demo function through the
 * sandbox's own Lambda API, as a user's deploy would (a new CodeSha256; the runner retires old environments).
 */
import { LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { demoPackage } from './demo.js';
import { HOT_RELOAD_HEADER } from './lambda/api.js';
import { watchHandler, type HandlerReload } from './lambda/hot-reload.js';
import { codeSha256 } from './lambda/zip.js';
import type { Sandbox } from './server.js';

/** What the watcher tells the engine: a reload that changed the code, or one line saying why it could not reload. */
export type HandlerReloadNotice = ({ type: 'reloaded' } & HandlerReload) | { type: 'failed'; message: string };

export interface HandlerReloads {
  /** Subscribes to the notices; returns the unsubscribe. */
  on(listener: (notice: HandlerReloadNotice) => void): () => void;
  close(): void;
}

/**
 * Starts watching `handler` (the `--handler` option) for the functions `functionNames` of `sandbox`. Returns undefined
 * when the folder cannot be watched (the run goes on without hot reload; one line to `log` says so).
 */
export function startHandlerReload(
  sandbox: Sandbox,
  handler: string,
  functionNames: readonly string[],
  log: (line: string) => void = () => {},
): HandlerReloads | undefined {
  const listeners = new Set<(notice: HandlerReloadNotice) => void>();
  const tell = (notice: HandlerReloadNotice) => {
    for (const l of [...listeners]) {
      try {
        l(notice);
      } catch {
        /* a listener's bug must not stop reloading */
      }
    }
  };
  let lastSha: string | undefined;
  try {
    lastSha = codeSha256(demoPackage(handler).zip);
  } catch {
    /* the next change reloads */
  }
  let lambda: LambdaClient | undefined;
  const client = () => {
    if (lambda) return lambda;
    lambda = new LambdaClient({
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    // Tells the sandbox this update is a hot reload: the new code's environment starts now, not at the next event.
    lambda.middlewareStack.add(
      (next) => (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) request.headers[HOT_RELOAD_HEADER] = '1';
        return next(args);
      },
      { step: 'build', name: 's3triggerHotReload' },
    );
    return lambda;
  };
  let watcher: ReturnType<typeof watchHandler>;
  try {
    watcher = watchHandler(handler, {
      async reload() {
        const pkg = demoPackage(handler);
        const sha = codeSha256(pkg.zip);
        if (sha === lastSha) return false;
        for (const name of functionNames) await client().send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: pkg.zip }));
        lastSha = sha;
        return true;
      },
      reloaded: (r) => tell({ type: 'reloaded', ...r }),
      failed: (message) => tell({ type: 'failed', message }),
    });
  } catch (err) {
    log(`hot reload is off: cannot watch the handler's folder (${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  }
  return {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      watcher.close();
      listeners.clear();
      lambda?.destroy();
    },
  };
}
