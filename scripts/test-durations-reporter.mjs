// A node:test reporter that writes one JSON line per test file: {"file": ..., "ms": wall time of the file's process,
// or of its suite when it shares a process}.
// scripts/run-tests.mjs reads it to print the slowest files and to order the next run.
export default async function* durations(source) {
  for await (const event of source) {
    if (event.type !== 'test:complete') continue;
    const { data } = event;
    // A file's own entry: top level, named by its path (its tests are top level too, but named by their titles).
    if (data.nesting === 0 && data.file && data.name === data.file) {
      yield `${JSON.stringify({ file: data.file, ms: Math.round(data.details.duration_ms), ok: data.details.passed })}\n`;
    } else if (data.nesting === 0 && data.details.type === 'suite' && /\.test\.tsx?$/.test(data.name)) {
      // A file run inside a shared process (scripts/run-tests.mjs batches short files): its suite is named by its path.
      yield `${JSON.stringify({ file: data.name, ms: Math.round(data.details.duration_ms), ok: data.details.passed })}\n`;
    }
  }
}
