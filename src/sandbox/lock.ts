/**
 * One sandbox per data dir, with a lock the OS releases when its holder dies (even by kill -9), so
 * there is no stale lock to take over and no PID to be reused. Node has no flock: the lock is a
 * listening local socket named after the directory's real path — on Linux in the abstract namespace
 * (no file at all), on Windows a named pipe, elsewhere a socket file next to the temp dir (one whose
 * holder is gone refuses connections and is replaced).
 */
import { createHash } from 'node:crypto';
import { createConnection, createServer, type Server } from 'node:net';
import { unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A held lock; release() is idempotent. */
export interface DirLock {
  release(): Promise<void>;
}

/** The socket name for a directory, from its real (resolved, symlink-free) path. */
export function lockName(realDir: string): string {
  const hash = createHash('sha256').update(realDir).digest('hex').slice(0, 32);
  if (process.platform === 'linux') return `\0s3trigger-${hash}`;
  if (process.platform === 'win32') return `\\\\?\\pipe\\s3trigger-${hash}`;
  return join(tmpdir(), `s3trigger-${hash}.sock`);
}

function listen(name: string): Promise<Server | 'in-use'> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve('in-use') : reject(err)));
    server.listen({ path: name, exclusive: true }, () => {
      server.unref(); // the lock never keeps the process alive
      resolve(server);
    });
  });
}

/** A socket file whose holder died refuses connections. */
function holderAlive(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ path: name });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Takes the lock of realDir; undefined when another live process (or this one) holds it. */
export async function lockDir(realDir: string): Promise<DirLock | undefined> {
  const name = lockName(realDir);
  let server = await listen(name);
  const fileBacked = !name.startsWith('\0') && !name.startsWith('\\\\');
  if (server === 'in-use' && fileBacked && !(await holderAlive(name))) {
    try {
      unlinkSync(name);
    } catch {
      // another starter removed it first; the listen below decides
    }
    server = await listen(name);
  }
  if (server === 'in-use') return undefined;
  const held = server;
  let released: Promise<void> | undefined;
  return {
    release: () => (released ??= new Promise<void>((ok) => held.close(() => ok()))),
  };
}
