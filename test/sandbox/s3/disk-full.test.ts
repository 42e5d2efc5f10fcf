/** A full disk is the server's fault: 500 InternalError (not a client error), nothing torn, still serving. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startS3 } from './helpers.js';
import { sigV4 } from '../raw-http.js';

const SIGNED = sigV4('s3');

const code = (xml: string) => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];

test('PUT (a large body, small bodies) on a full disk -> 500 InternalError; earlier objects intact; still serving', async (t) => {
  const mountPoint = mkdtempSync(join(tmpdir(), 's3trigger-full-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint]);
  if (mounted.status !== 0) {
    rmSync(mountPoint, { recursive: true, force: true });
    t.skip(`mount -t tmpfs refused here (${mounted.stderr.toString().trim() || mounted.status}): needs root`);
    return;
  }
  const h = await startS3({ dataDir: join(mountPoint, 'data') });
  try {
    const url = (p: string) => `${h.sandbox.endpoint}/full-bucket${p}`;
    assert.equal((await fetch(url(''), { method: 'PUT', headers: SIGNED })).status, 200);
    assert.equal((await fetch(url('/kept'), { method: 'PUT', body: 'kept body', headers: SIGNED })).status, 200);
    for (const [label, path, size] of [
      ['large PUT', '/big', 3 * 1024 * 1024],
      ['small PUTs', '/small-', 60 * 1024],
    ] as const) {
      let res: Response | undefined;
      for (let i = 0; i < (label === 'small PUTs' ? 60 : 1); i++) {
        res = await fetch(url(label === 'small PUTs' ? `${path}${i}` : path), {
          method: 'PUT',
          body: Buffer.alloc(size, 1),
          headers: SIGNED,
        });
        if (res.status !== 200) break;
      }
      const text = await res!.text();
      assert.equal(res!.status, 500, `${label}: ${text}`);
      assert.equal(code(text), 'InternalError', label);
    }
    assert.equal(await (await fetch(url('/kept'))).text(), 'kept body');
    assert.equal((await fetch(url('/big'))).status, 404);
    assert.equal((await fetch(url('?list-type=2'))).status, 200, 'still serving');
  } finally {
    await h.close();
    spawnSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  }
});
