import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { zipSync, strToU8 } from 'fflate';
import {
  codeSha256,
  extractPackage,
  planPackage,
  safeEntryPath,
  unzipPackage,
  UnzippedTooLargeError,
  zipPackage,
  ZipFormatError,
} from '../../../src/sandbox/lambda/zip.js';
import { readCentralDirectory, type ZipEntry } from '../../../src/sandbox/lambda/zip-reader.js';
import { buildZip, deflatedZeros } from './wire.js';

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

test('planPackage: trees that cannot exist on disk, and declared sizes over the limit', () => {
  const entry = (name: string, size = 1): ZipEntry => ({ name, method: 0, flags: 0, compressedSize: size, size, localHeaderOffset: 0 });
  const cases: [string[], 'ok' | 'format' | 'large'][] = [
    [['index.mjs', 'lib/a.js', 'lib/'], 'ok'],
    [['a', 'a/b'], 'format'],
    [['a/b', 'a'], 'format'],
    [['a/', 'a'], 'format'],
    [['lnk', 'lnk/x'], 'format'],
    [[`${'n'.repeat(256)}.js`], 'format'],
    [[`${'é'.repeat(128)}`], 'format'],
    [[`${'n'.repeat(255)}`], 'ok'],
    [['a\0b'], 'format'],
    [['dup.js', 'dup.js'], 'ok'],
  ];
  for (const [names, expected] of cases) {
    let got: string = 'ok';
    try {
      planPackage(names.map((n) => entry(n)));
    } catch (err) {
      got = err instanceof ZipFormatError ? 'format' : err instanceof UnzippedTooLargeError ? 'large' : String(err);
    }
    assert.equal(got, expected, names.join(' + '));
  }
  assert.throws(() => planPackage([entry('a', 600), entry('b', 500)], 1000), UnzippedTooLargeError);
  assert.equal(planPackage([entry('a', 500), entry('b', 500)], 1000).size, 2);
});

test('readCentralDirectory: ZIP64 sizes and offsets, and archives from python zipfile and Info-ZIP zip', async () => {
  const content = Buffer.from('export const handler = async () => 64;');
  const zip64 = buildZip([{ name: 'index.mjs', method: 8, data: deflateRawSync(content), size: content.length, zip64: true }]);
  assert.deepEqual(
    readCentralDirectory(zip64).map((e) => [e.name, e.size]),
    [['index.mjs', content.length]],
  );
  const out = unzipPackage(zip64);
  assert.ok(out.ok);
  assert.equal(Buffer.from(out.files.get('index.mjs')!).toString(), content.toString());

  const dir = mkdtempSync(join(tmpdir(), 's3trigger-zip-test-'));
  try {
    mkdirSync(join(dir, 'src', 'pkg'), { recursive: true });
    writeFileSync(join(dir, 'src', 'app.py'), 'def handler(e, c):\n    return 1\n'.repeat(50));
    writeFileSync(join(dir, 'src', 'pkg', '__init__.py'), '');
    execFileSync('python3', [
      '-c',
      'import shutil, sys; shutil.make_archive(sys.argv[1], "zip", sys.argv[2])',
      join(dir, 'py'),
      join(dir, 'src'),
    ]);
    const tools: [string, Buffer][] = [['python zipfile', readFileSync(join(dir, 'py.zip'))]];
    try {
      // `zip -` streams: sizes in data descriptors after each entry, as when zipping into a pipe.
      execFileSync('sh', ['-c', 'cd src && zip -qr - . | cat > ../info.zip'], { cwd: dir });
      tools.push(['Info-ZIP zip (streamed)', readFileSync(join(dir, 'info.zip'))]);
    } catch {
      /* zip not installed: python's archive still covers the common case */
    }
    for (const [i, [label, zip]] of tools.entries()) {
      const target = join(dir, `out-${i}`);
      await extractPackage(zip, target);
      assert.deepEqual(readdirSync(target, { recursive: true }).map(String).sort(), ['app.py', 'pkg', 'pkg/__init__.py'], label);
      assert.equal(readFileSync(join(target, 'app.py'), 'utf8'), readFileSync(join(dir, 'src', 'app.py'), 'utf8'), label);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('extractPackage stops a lying bomb at its declared size and a spread one at the limit, writing no more', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's3trigger-zip-test-'));
  try {
    const lying = buildZip([{ name: 'a.bin', method: 8, data: deflatedZeros(64), size: 1 << 20 }]);
    await assert.rejects(extractPackage(lying, join(dir, 'lying')), ZipFormatError);
    const declared = buildZip([
      { name: 'a.bin', method: 8, data: deflatedZeros(8), size: 8 << 20 },
      { name: 'b.bin', method: 8, data: deflatedZeros(8), size: 8 << 20 },
    ]);
    await assert.rejects(extractPackage(declared, join(dir, 'declared'), 10 << 20), UnzippedTooLargeError);
    assert.equal(existsSync(join(dir, 'declared')), false, 'refused before anything was written');
    const short = buildZip([{ name: 'a.bin', method: 8, data: deflatedZeros(1), size: 2 << 20 }]);
    await assert.rejects(extractPackage(short, join(dir, 'short')), ZipFormatError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('zipPackage is deterministic, so CodeSha256 is stable', () => {
  const a = zipPackage({ 'a.py': 'print(1)' });
  const b = zipPackage({ 'a.py': 'print(1)' });
  assert.equal(codeSha256(a), codeSha256(b));
  assert.match(codeSha256(a), /^[A-Za-z0-9+/]{43}=$/);
});
