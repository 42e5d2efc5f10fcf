#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli.js) into one CommonJS file, dist/s3trigger.cjs, that dist/bin.cjs starts
// with a V8 code cache. One file means one compile and no ESM loader work per module (about 150 ms of a
// 350 ms run). The interactive view stays out (ink and yoga use top-level await); it loads from dist/tui/.
import { build } from 'esbuild';
import { sep } from 'node:path';

const YARGS_SHIM = `${sep}yargs${sep}lib${sep}platform-shims${sep}esm.mjs`;

/** yargs imports cliui and string-width (an emoji regex and Intl.Segmenter: ~35 ms) but uses them only to print help. */
const lazyHelpRendering = {
  name: 'lazy-help-rendering',
  setup(b) {
    b.onResolve({ filter: /^(cliui|string-width)$/ }, (args) =>
      args.importer.endsWith(YARGS_SHIM) ? { path: args.path, namespace: 'lazy', pluginData: args.resolveDir } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: `export default (...a) => { const m = require(${JSON.stringify(args.path)}); return (m.default ?? m)(...a); };`,
      resolveDir: args.pluginData,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: ['dist/cli.js'],
  outfile: 'dist/s3trigger.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['./tui/run.js'],
  // A code-cached script cannot import() on Node 20 (bin.cjs): built-ins are required instead.
  supported: { 'dynamic-import': false },
  // import.meta.url only ever locates node_modules (createRequire); the bundle's own URL does that.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyHelpRendering],
  logLevel: 'warning',
  legalComments: 'none',
});
