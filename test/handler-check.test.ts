/** --handler FILE:func is checked without running FILE: node by identifier, python with python3's ast. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handlerProblem } from '../src/handler-check.js';

const dir = mkdtempSync(join(tmpdir(), 's3trigger-handler-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const noPython = spawnSync('python3', ['-c', '1']).status !== 0 && 'python3 not found';
const ran = join(dir, 'ran');

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

for (const [name, source, func, ok] of [
  ['cjs exports', 'exports.handler = async () => {};', 'handler', true],
  ['esm export', 'export async function main(e) { return e; }', 'main', true],
  ['export list with alias', 'const f = 1; export { f as go };', 'go', true],
  ['missing', 'exports.handler = async () => {};', 'nosuch', false],
  ['a longer name does not count', 'exports.handlerX = 1;', 'handler', false],
  ['$ in a name', 'exports.$h = 1;', '$h', true],
] as const) {
  test(`node handler: ${name}`, async () => {
    const f = file(`h${Math.random().toString(36).slice(2)}.js`, source);
    assert.equal((await handlerProblem(`${f}:${func}`)) === undefined, ok);
  });
}

for (const [name, source, func, ok] of [
  ['def', 'def handler(e, c):\n    return 1\n', 'handler', true],
  ['async def', 'async def go(e, c):\n    pass\n', 'go', true],
  ['assignment', 'def f(e, c): pass\nhandler = f\n', 'handler', true],
  ['import alias', 'from json import dumps as handler\n', 'handler', true],
  ['inside try', 'try:\n    def handler(e, c): pass\nexcept Exception:\n    pass\n', 'handler', true],
  ['missing', 'def handler(e, c): pass\n', 'nosuch', false],
  ['only inside a function', 'def outer():\n    def nosuch(): pass\n', 'nosuch', false],
  ['star import: cannot know', 'from os.path import *\n', 'join', true],
  ['syntax error: left to the sandbox', 'def (:\n', 'handler', true],
  ['the module is not run', `open(${JSON.stringify(ran)}, 'w').write('x')\ndef handler(e, c): pass\n`, 'nosuch', false],
] as const) {
  test(`python handler: ${name}`, { skip: noPython }, async () => {
    const f = file(`h${Math.random().toString(36).slice(2)}.py`, source);
    assert.equal((await handlerProblem(`${f}:${func}`)) === undefined, ok);
  });
}

test('the message names the function and the file', async () => {
  const f = file('named.js', 'exports.handler = 1;');
  assert.equal(
    await handlerProblem(`${f}:nosuch`),
    `--handler ${f}:nosuch: named.js defines no function 'nosuch': name one it exports after the colon (default: handler)`,
  );
});

test('python code is parsed, never executed', { skip: noPython }, async () => {
  const f = file('side.py', `open(${JSON.stringify(ran)}, 'w').write('x')\n`);
  await handlerProblem(`${f}:handler`);
  assert.equal(spawnSync('test', ['-e', ran]).status, 1, 'the module top level did not run');
});
