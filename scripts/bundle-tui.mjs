#!/usr/bin/env node
// Bundles the interactive view (dist/tui/run.js, ink, React, yoga and the modules they import) into one ES module,
// written over dist/tui/run.js, the path the CLI imports. Loaded file by file, the view is ~150 ESM modules and CommonJS
// packages read, resolved and linked one at a time: about 1 s of CPU before its first frame, more than the bundle's
// whole start-up; as one file it is about 0.3 s. ESM because ink and yoga use top-level await; the CLI's own bundle
// (scripts/bundle.mjs) is CommonJS and keeps this file external. Run after tsc (it rewrites dist/tui/run.js each build).
import { build } from 'esbuild';

/** ink imports its devtools (an optional peer, not installed) only when DEV=true; the bundle answers that import empty. */
const noDevtools = {
  name: 'no-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'absent' }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, () => ({ contents: 'export default undefined;', loader: 'js' }));
  },
};

// CommonJS packages inside an ES module still call require() (node: built-ins); an ES module has none of its own.
const banner = `import { createRequire as __tuiCreateRequire } from 'node:module';
const require = __tuiCreateRequire(import.meta.url);`;

await build({
  entryPoints: ['dist/tui/run.js'],
  outfile: 'dist/tui/run.js',
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // One lifecycle per process: the file the CLI's bundle and bin.cjs share (it also finds itself on globalThis).
  external: ['../lifecycle.cjs'],
  banner: { js: banner },
  plugins: [noDevtools],
  logLevel: 'warning',
  legalComments: 'none',
});
