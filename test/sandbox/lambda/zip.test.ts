import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zipSync, strToU8 } from 'fflate';
import { codeSha256, safeEntryPath, unzipPackage, zipPackage } from '../../../src/sandbox/lambda/zip.js';

test('safeEntryPath refuses directories and escapes', () => {
  const cases: [string, string | undefined][] = [
    ['index.mjs', 'index.mjs'],
    ['./src/app.py', 'src/app.py'],
    ['dir/', undefined],
    ['../evil.js', undefined],
    ['a/../../evil.js', undefined],
    ['/etc/passwd', undefined],
    ['C:/x.js', undefined],
    ['a\\b.js', 'a/b.js'],
  ];
  for (const [name, expected] of cases) assert.equal(safeEntryPath(name), expected, name);
});

test('unzipPackage: round trip, zip-slip entries dropped, garbage refused', () => {
  const zip = zipPackage({ 'index.mjs': 'export const handler = 1;', 'lib/util.js': 'x' });
  const out = unzipPackage(zip);
  assert.ok(out.ok);
  assert.deepEqual([...out.files.keys()].sort(), ['index.mjs', 'lib/util.js']);
  const evil = unzipPackage(zipSync({ '../evil.js': strToU8('x'), 'ok.py': strToU8('y') }));
  assert.ok(evil.ok);
  assert.deepEqual([...evil.files.keys()], ['ok.py']);
  assert.equal(unzipPackage(Buffer.from('not a zip')).ok, false);
  assert.equal(unzipPackage(new Uint8Array()).ok, false);
});

test('zipPackage is deterministic, so CodeSha256 is stable', () => {
  const a = zipPackage({ 'a.py': 'print(1)' });
  const b = zipPackage({ 'a.py': 'print(1)' });
  assert.equal(codeSha256(a), codeSha256(b));
  assert.match(codeSha256(a), /^[A-Za-z0-9+/]{43}=$/);
});
