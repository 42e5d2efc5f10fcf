/** The TLS front of the AWS-shaped target: terminates TLS for AWS's names on a free port and pipes each connection to the sandbox. */
import { connect, type Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';

export interface TlsFront {
  /** `127.0.0.1:PORT`, for the preload (S3TRIGGER_TEST_AWS_FRONT). */
  address: string;
  /** The SNI name of every connection so far, in order (which AWS endpoint a client chose). */
  servernames: string[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 with `key`/`cert` and forwards the decrypted bytes to 127.0.0.1:`upstreamPort`. */
export async function startTlsFront(options: { key: string; cert: string; upstreamPort: number }): Promise<TlsFront> {
  const servernames: string[] = [];
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server = createServer({ key: options.key, cert: options.cert }, (client: TLSSocket) => {
    servernames.push(typeof client.servername === 'string' ? client.servername : '');
    const upstream = connect(options.upstreamPort, '127.0.0.1');
    track(client);
    track(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  server.on('tlsClientError', () => {}); // a client that distrusts the certificate just goes away
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    servernames,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        for (const s of sockets) s.destroy();
      }),
  };
}
