/**
 * One SigV4-signed HTTP request to a custom endpoint, without an SDK client's middleware stack: what the burst's hot
 * paths send (aws/s3-direct.ts: PutObject; aws/live-tail-direct.ts: StartLiveTail). Signed by the SDK's own signer
 * (@smithy/signature-v4) with the client's credential provider. Callers take only the answers they expect and send
 * anything else through the SDK again, so AWS's errors, retries and aborts keep the SDK's handling.
 */
import { createHash } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';

/** A request to send: path below the endpoint's own (already percent-encoded), query, headers without host and auth. */
export interface DirectRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  headers: Record<string, string>;
  /** Its SHA-256 in hex goes in x-amz-content-sha256 (the caller may cache it: a burst sends one body N times). */
  body: Uint8Array;
  payloadSha256Hex: string;
}

/** Where and as whom: the endpoint URL (http or https, maybe with a base path), the signing region and service. */
export interface DirectEndpointOptions {
  endpoint: URL;
  region: string;
  service: string;
  credentials: Provider<AwsCredentialIdentity>;
  /** Keep connections open between requests (a burst's PUTs), as the SDK's node handler does: up to 50 sockets. */
  keepAlive: boolean;
}

/** Signs and sends requests to one endpoint. `destroy` closes its connections. */
export class DirectEndpoint {
  private readonly signer: SignatureV4;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly basePath: string;

  constructor(private readonly o: DirectEndpointOptions) {
    this.transport = o.endpoint.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: o.keepAlive, maxSockets: 50 });
    this.basePath = o.endpoint.pathname.replace(/\/+$/, '');
    this.signer = new SignatureV4({
      credentials: o.credentials,
      region: o.region,
      service: o.service,
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: o.service !== 's3', // S3 signs the path as sent; other services encode it once more
      applyChecksum: false,
    });
  }

  /** Sends `r`; resolves with the response (its body unread) or rejects with the network error or AbortError. */
  async send(r: DirectRequest, signal?: AbortSignal): Promise<IncomingMessage> {
    const { endpoint } = this.o;
    const path = `${this.basePath}${r.path}`;
    const signed = await this.signer.sign({
      method: r.method,
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      path,
      query: r.query ?? {},
      headers: {
        ...r.headers,
        host: endpoint.host,
        'content-length': String(r.body.byteLength),
        'x-amz-content-sha256': r.payloadSha256Hex,
      },
    });
    const query = new URLSearchParams(r.query).toString();
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        {
          agent: this.agent,
          method: r.method,
          hostname: endpoint.hostname.replace(/^\[|\]$/g, ''),
          port: endpoint.port,
          path: query ? `${path}?${query}` : path,
          headers: signed.headers,
          ...(signal ? { signal } : {}),
        },
        resolve,
      );
      req.on('error', reject);
      req.end(r.body);
    });
  }

  destroy(): void {
    this.agent.destroy();
  }
}

/** SHA-256 of `body` in hex, as x-amz-content-sha256 carries it. */
export function sha256Hex(body: Uint8Array | string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The endpoint as a URL when direct requests may go there: http(s), no query, no user info; else undefined. */
export function directEndpointUrl(endpoint: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.username || url.password) return undefined;
  return url;
}
