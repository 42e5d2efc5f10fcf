/** What every execution environment needs from the machine: bootstrap files, python3's real path, the SDK. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { sep } from 'node:path';
import type { LogsSink } from '../context.js';
import { onceRuby } from './ruby.js';
import type { RuntimeHost } from './spec.js';

/** The node_modules folder this package's AWS SDK lives in, if it can be found. */
export function findSdkNodeModules(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('@aws-sdk/client-s3');
    const marker = `${sep}node_modules${sep}`;
    const at = entry.lastIndexOf(marker);
    return at === -1 ? undefined : entry.slice(0, at + marker.length - 1);
  } catch {
    return undefined;
  }
}

/** python3 on PATH may be a shim (pyenv: a shell script); spawn the interpreter itself for honest cold starts. */
function resolvePython(): string {
  try {
    const out = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 10_000 });
    return out.trim() || 'python3';
  } catch {
    return 'python3';
  }
}

/**
 * Where a runtime's bootstrap file is: next to this module (src/ under tsx, dist/ unbundled), or, from the
 * one-file bundle dist/s3trigger.cjs, in dist/sandbox/lambda/runtimes/ where scripts/bundle.mjs copies it.
 */
export function bootstrapPath(name: 'bootstrap.mjs' | 'bootstrap.py' | 'bootstrap.rb'): string {
  const candidates = [new URL(`./runtimes/${name}`, import.meta.url), new URL(`./sandbox/lambda/runtimes/${name}`, import.meta.url)];
  const found = candidates.map((url) => fileURLToPath(url)).find((path) => existsSync(path));
  if (!found) throw new Error(`the sandbox's ${name} is missing next to ${fileURLToPath(import.meta.url)}: rebuild (npm run build)`);
  return found;
}

export function createRuntimeHost(options: {
  dir: string;
  region: string;
  logs: () => LogsSink;
  endpoint: () => string | undefined;
  maxOutputBytes?: number;
}): RuntimeHost {
  mkdirSync(options.dir, { recursive: true });
  const nodeBootstrap = bootstrapPath('bootstrap.mjs');
  const pythonBootstrap = bootstrapPath('bootstrap.py');
  let python: string | undefined;
  return {
    region: options.region,
    get logs() {
      return options.logs();
    },
    endpoint: options.endpoint,
    nodeBootstrap,
    pythonBootstrap,
    pythonExecutable: () => (python ??= resolvePython()),
    rubyBootstrap: bootstrapPath('bootstrap.rb'),
    ruby: onceRuby(),
    sdkNodeModules: findSdkNodeModules(),
    maxOutputBytes: options.maxOutputBytes ?? 32 * 1024 * 1024,
  };
}
