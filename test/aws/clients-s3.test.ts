/**
 * The modules a PUT without --wait evaluates take the S3 SDK's values from src/aws/clients-s3.ts: in the bundle each
 * module importing @aws-sdk/client-s3 itself builds its own 709-getter copy of the package (esbuild's __toESM).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as clients from '../../src/aws/clients-s3.js';

const PUT_PATH = ['src/session.ts', 'src/target.ts', 'src/observe/discover.ts', 'src/ops/bucket.ts', 'src/ops/simple.ts'];

/** `import { ... } from '@aws-sdk/client-s3'` that is not `import type`: a value import, kept by the bundler. */
const VALUE_IMPORT = /^import\s+(?!type\b)[^;]*?from\s+'@aws-sdk\/client-s3';/ms;

for (const file of PUT_PATH) {
  test(`${file} imports no value from @aws-sdk/client-s3 directly`, () => {
    const source = readFileSync(file, 'utf8');
    const statements = source.split(/(?<=;)\s*\n/).filter((s) => s.trimStart().startsWith('import'));
    const direct = statements.filter((s) => VALUE_IMPORT.test(s.trim()));
    assert.deepEqual(direct, []);
  });
}

test('clients-s3 re-exports the SDK itself (the same classes, not wrappers)', async () => {
  const sdk = await import('@aws-sdk/client-s3');
  assert.equal(clients.S3Client, sdk.S3Client);
  assert.equal(clients.PutObjectCommand, sdk.PutObjectCommand);
  assert.equal(clients.paginateListObjectsV2, sdk.paginateListObjectsV2);
});

test('the value-import check catches a direct import', () => {
  assert.ok(VALUE_IMPORT.test("import { S3Client } from '@aws-sdk/client-s3';"));
  assert.ok(VALUE_IMPORT.test("import {\n  PutObjectCommand,\n  type S3Client,\n} from '@aws-sdk/client-s3';"));
  assert.ok(!VALUE_IMPORT.test("import type { S3Client } from '@aws-sdk/client-s3';"));
});
