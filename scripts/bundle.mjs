#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli.js) into one CommonJS file, dist/s3trigger.cjs, that dist/bin.cjs starts
// (and the sandbox's own entry, dist/sandbox/main.js, into dist/sandbox.cjs for `s3trigger sandbox`)
// with a V8 code cache. One file means one compile and no ESM loader work per module (about 150 ms of a
// 350 ms run). The interactive view stays out (ink and yoga use top-level await); it loads from dist/tui/.
import { build } from 'esbuild';
import { chmod, copyFile, mkdir, readFile } from 'node:fs/promises';
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

/**
 * import.meta.url in a dependency is that file's own location at run time (yargs finds its locales by it),
 * found through the package's package.json; an ESM file's own `__dirname` is renamed so that it does not
 * shadow the bundle's. (Our own modules use import.meta.url only to locate node_modules: the bundle's URL.)
 */
const dependencyUrls = {
  name: 'dependency-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.m?js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const [, pkg, file] = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](.*)$/.exec(args.path);
      let contents = text.replaceAll(
        'import.meta.url',
        `__packageFileUrl(${JSON.stringify(pkg.replace(/\\/g, '/'))}, ${JSON.stringify(file)})`,
      );
      if (/\b(const|let|var)\s+__dirname\b/.test(contents)) contents = contents.replace(/\b__dirname\b/g, '__moduleDirname');
      return { contents, loader: 'js' };
    });
  },
};

// esbuild marks the bundle strict; the banner comes first, so it says so again. A package's folder is found along
// node_modules like require would, without require.resolve: resolving '<pkg>/package.json' goes through the
// package's exports map (and throws, costly, for a package that does not export it): ~6 ms each at start.
const banner = `"use strict";
const __bundleUrl = require('node:url').pathToFileURL(__filename).href;
const __packageFileUrl = (pkg, file) => {
  try {
    const { join } = require('node:path');
    const { existsSync, realpathSync } = require('node:fs');
    for (const dir of require.resolve.paths(pkg) ?? []) {
      if (existsSync(join(dir, pkg, 'package.json'))) return require('node:url').pathToFileURL(join(realpathSync(join(dir, pkg)), file)).href;
    }
  } catch {}
  return __bundleUrl;
};`;

/** One CommonJS bundle that dist/bin.cjs runs from a code cache. */
const bundleOptions = (entry, outfile) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['./tui/run.js'],
  // A code-cached script cannot import() on Node 20 (bin.cjs): built-ins are required instead.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: banner },
  plugins: [lazyHelpRendering, dependencyUrls],
  logLevel: 'warning',
  // import.meta.resolve is only reached from src/ under tsx (the firing thread's loader): never in a bundle.
  logOverride: { 'empty-import-meta': 'silent' },
  legalComments: 'none',
  // Comments are a third of the text and some are not ASCII (a two-byte string of twice the size, decoded slowly);
  // without whitespace and comments the bundle is read, decoded and kept in memory at a fraction of the cost.
  minifyWhitespace: true,
  charset: 'ascii',
});

// The whole CLI, and `s3trigger sandbox` on its own (a sandbox idles for hours holding its bundle's source).
await build(bundleOptions('dist/cli.js', 'dist/s3trigger.cjs'));
await build(bundleOptions('dist/sandbox/main.js', 'dist/sandbox.cjs'));
// The firing thread a burst starts (ops/firing-thread.ts finds it next to the bundle).
await build(bundleOptions('dist/ops/firing-worker.js', 'dist/firing-worker.cjs'));

// dist/bin.cjs decodes the bundles as latin1 (a copy, where UTF-8 is a validating decode): only right for ASCII.
for (const file of ['dist/s3trigger.cjs', 'dist/sandbox.cjs', 'dist/firing-worker.cjs']) {
  const nonAscii = (await readFile(file)).findIndex((byte) => byte > 0x7f);
  if (nonAscii >= 0) throw new Error(`${file} has a non-ASCII byte at offset ${nonAscii}: bin.cjs reads it as latin1`);
}

// The Lambda runtimes' bootstraps are run as files (node bootstrap.mjs, python3 bootstrap.py, ruby bootstrap.rb), not bundled.
await mkdir('dist/sandbox/lambda/runtimes', { recursive: true });
for (const name of ['bootstrap.mjs', 'bootstrap.py', 'bootstrap.rb'])
  await copyFile(`src/sandbox/lambda/runtimes/${name}`, `dist/sandbox/lambda/runtimes/${name}`);

// tsc writes dist/bin.cjs without an execute bit; `npx s3trigger` in a clone of this repository runs it as a program
// (npm sets the bit only when it installs the package as a dependency).
await chmod('dist/bin.cjs', 0o755);
