/**
 * How the router recognises S3's requests (REST-XML; every request no other service claims), what the
 * guard lets through, and its start-up.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ServiceDefinition } from '../context.js';
import type { RequestAccess } from '../guard.js';
import { createS3Service } from './index.js';
import { parseS3Target, resolveOperation } from './request.js';

/**
 * Preflights are anonymous on AWS and answered from the bucket's CORS rules; a browser-form POST Object
 * is checked against its policy (or, without one, accepted as LocalStack does for `curl -F`); anonymous
 * GET/HEAD is the blog's `curl` use, open to this machine only. Everything else is signed.
 */
export function s3Access(method: string, hostHeader: string | undefined, url: string, headers: IncomingHttpHeaders): RequestAccess {
  const m = method.toUpperCase();
  if (m === 'OPTIONS') return { anonymous: 'anyone', crossOrigin: 'service' };
  if (m === 'GET' || m === 'HEAD') return { anonymous: 'loopback', crossOrigin: 'cors' };
  try {
    const op = resolveOperation(m, parseS3Target(hostHeader, url), headers);
    if (op === 'PostObject') return { anonymous: 'anyone', crossOrigin: 'cors' };
  } catch {
    // an unparsable URI is answered by the S3 handler; unsigned, it does not get that far
  }
  return { anonymous: 'never', crossOrigin: 'cors' };
}

export const s3Service: ServiceDefinition = {
  signingName: 's3',
  protocol: 'rest-xml',
  access: (req) => s3Access(req.method, typeof req.headers.host === 'string' ? req.headers.host : undefined, req.url, req.headers),
  start: (ctx) => createS3Service(ctx),
};
