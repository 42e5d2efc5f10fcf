// A node:test reporter that writes one JSON line per test file: {"file": ..., "ms": wall time of the file's process}.
// scripts/run-tests.mjs reads it to print the slowest files and to order the next run.
export default async function* durations(source) {
  for await (const event of source) {
    if (event.type !== 'test:complete') continue;
    const { data } = event;
    // A file's own entry: top level, named by its path (its tests are top level too, but named by their titles).
    if (data.nesting === 0 && data.file && data.name === data.file) {
      yield `${JSON.stringify({ file: data.file, ms: Math.round(data.details.duration_ms), ok: data.details.passed })}\n`;
    }
  }
}
