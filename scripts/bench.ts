/**
 * `npm run bench [-- --quick] [--out FILE] [--compare FILE]`: runs every benchmark under scripts/ one after the
 * other (peers run inside each, interleaved) and prints one table: figure, s3trigger, peer, ratio, target, met.
 * The table is written as JSON (default bench-results.json) so that `--compare` can print the change per figure.
 * --quick (about two minutes) leaves out the long AWS-timing, 1 GiB and 1,000-operation runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Figure, ratioOf, targetMet } from './bench/figures.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const flagValue = (flag: string) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};
const outFile = flagValue('--out') ?? 'bench-results.json';
const compareFile = flagValue('--compare');

/** Each benchmark with its arguments in full and quick runs (undefined: left out of quick runs). */
const BENCHMARKS: { script: string; full: string[]; quick?: string[]; node?: string[] }[] = [
  { script: 'bench-ci.ts', full: ['--runs', '15', '--multipart-runs', '5'], quick: ['--runs', '5', '--skip-multipart'] },
  { script: 'bench-sandbox-s3.ts', full: [], quick: ['--quick'] },
  { script: 'bench-tui.ts', full: ['--runs', '5'], quick: ['--runs', '3', '--first-frame-only'] },
  // Prints node/python cold starts without figures; bench-runtimes.ts emits them for every runtime, so quick runs skip it.
  { script: 'bench-lambda-coldstart.ts', full: ['15'] },
  { script: 'bench-runtimes.ts', full: ['--runs', '9', '--warm', '180'], quick: ['--runs', '3', '--warm', '60'] },
  { script: 'bench-hot-reload.ts', full: ['20'], quick: ['8'] },
  { script: 'bench-burst.ts', full: ['--burst', '1000', '--parallel', '32'], quick: ['--burst', '200', '--parallel', '32'] },
  { script: 'bench-doctor.ts', full: ['--runs', '7'], quick: ['--runs', '3'] },
  { script: 'bench-livetail.ts', full: ['200'], quick: ['50'] },
  { script: 'bench-destinations.ts', full: [], quick: ['--quick'] },
  { script: 'bench-matching.ts', full: [] },
  { script: 'measure-logs-memory.ts', full: ['1000000', '64'], node: ['--expose-gc'] },
];

if (!existsSync('dist/bin.cjs')) {
  console.error('bench: build first (npm run build): the benchmarks time the built CLI');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 's3trigger-bench-'));
const figuresFile = join(dir, 'figures.ndjson');
writeFileSync(figuresFile, '');
const started = Date.now();
console.log(
  `npm run bench (${quick ? 'quick' : 'full'}), node ${process.version}, load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}`,
);
for (const b of BENCHMARKS) {
  const args = quick ? b.quick : b.full;
  if (!args) {
    console.log(`\n== ${b.script}: left out of --quick`);
    continue;
  }
  console.log(`\n== ${b.script} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [...(b.node ?? []), '--import', 'tsx', join('scripts', b.script), ...args], {
    stdio: 'inherit',
    env: { ...process.env, S3TRIGGER_BENCH_OUT: figuresFile },
  });
  if (r.status !== 0) console.log(`== ${b.script} exited ${r.status ?? r.signal}: its figures may be missing`);
}
const figures: Figure[] = readFileSync(figuresFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Figure);
rmSync(dir, { recursive: true, force: true });

const num = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));
const targetText = (f: Figure) => {
  if (!f.target) return '';
  const sign = f.better === 'lower' ? '≤' : '≥';
  return 'ratio' in f.target ? `${sign} ${f.target.ratio}x` : `${sign} ${f.target.value} ${f.unit}`;
};
const rows = figures.map((f) => {
  const ratio = ratioOf(f);
  const met = targetMet(f);
  return [
    f.name,
    `${num(f.ours)} ${f.unit}`,
    f.peer ? `${num(f.peer.value)} ${f.unit} (${f.peer.name})` : '',
    ratio === undefined ? '' : `${num(ratio)}x`,
    targetText(f),
    met === undefined ? '' : met ? 'met' : 'missed',
  ];
});
const header = ['figure', 's3trigger', 'peer', 'ratio', 'target', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) =>
  cells
    .map((c, i) => c.padEnd(widths[i]!))
    .join('  ')
    .trimEnd();
console.log(`\nResults (${((Date.now() - started) / 60_000).toFixed(1)} min; medians; ratio = s3trigger / peer)`);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
writeFileSync(
  outFile,
  `${JSON.stringify({ date: new Date().toISOString(), quick, node: process.version, loadavg: loadavg(), figures }, null, 2)}\n`,
);
console.log(`\nwritten to ${outFile}`);

if (compareFile) {
  const before = (JSON.parse(readFileSync(compareFile, 'utf8')) as { figures: Figure[] }).figures;
  console.log(`\nChange against ${compareFile} (+ is better)`);
  for (const f of figures) {
    const old = before.find((b) => b.id === f.id);
    if (!old) {
      console.log(`  ${f.name}: new`);
      continue;
    }
    const change = ((f.ours - old.ours) / old.ours) * 100 * (f.better === 'lower' ? -1 : 1);
    console.log(`  ${f.name}: ${num(old.ours)} -> ${num(f.ours)} ${f.unit} (${change >= 0 ? '+' : ''}${change.toFixed(0)}%)`);
  }
}
