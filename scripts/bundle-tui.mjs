#!/usr/bin/env node
// Bundles the interactive view (dist/tui/run.js, ink, React, yoga and the modules they import) into one ES module,
// written over dist/tui/run.js, the path the CLI imports. Loaded file by file, the view is ~150 ESM modules and CommonJS
// packages read, resolved and linked one at a time: about 1 s of CPU before its first frame, more than the bundle's
// whole start-up; as one file it is about 0.3 s. ESM because ink and yoga use top-level await; the CLI's own bundle
// (scripts/bundle.mjs) is CommonJS and keeps this file external. Run after tsc (it rewrites dist/tui/run.js each build).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';

/** ink imports its devtools (an optional peer, not installed) only when DEV=true; the bundle answers that import empty. */
const noDevtools = {
  name: 'no-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'absent' }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, () => ({ contents: 'export default undefined;', loader: 'js' }));
  },
};

/**
 * ink redraws a frame by turning every cell's styles into escape codes, asking @alcalzone/ansi-tokenize for the codes
 * between each cell and the next: three Sets and four arrays per cell, ~5,000 cells a 120x40 frame, almost all of them
 * with the same styles as the cell before, where the answer is no codes. The bundle answers that case first
 * (src/tui/same-styles.ts); the library's own code answers the rest, so every frame's text is unchanged.
 */
const DIFF_ENTRY = 'export function diffAnsiCodes(from, to) {';
const sameStylesFirst = {
  name: 'same-styles-first',
  setup(b) {
    b.onLoad({ filter: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]diff\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes(DIFF_ENTRY))
        return { contents: text, loader: 'js', warnings: [{ text: 'diffAnsiCodes not found: bundled as it is' }] };
      const contents = `import { sameStyles } from ${JSON.stringify(resolve('dist/tui/same-styles.js'))};
${text.replace(DIFF_ENTRY, 'function diffAllAnsiCodes(from, to) {')}
export function diffAnsiCodes(from, to) {
  return sameStyles(from, to) ? [] : diffAllAnsiCodes(from, to);
}
`;
      return { contents, loader: 'js' };
    });
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
  plugins: [noDevtools, sameStylesFirst],
  logLevel: 'warning',
  legalComments: 'none',
});
