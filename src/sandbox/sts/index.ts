/**
 * A minimal AWS Security Token Service: `GetCallerIdentity`, so `aws sts get-caller-identity` and the
 * account label of an AWS-shaped target work against the sandbox. Query protocol (Action and Version in the
 * query string or a form body; XML answers), as in the STS API reference. Every other action is 501.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext, SandboxService } from '../context.js';
import { readBody } from '../protocol/body.js';
import { escapeXml, notImplemented, writeProtocolError } from '../protocol/errors.js';

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** STS's query requests are small; a larger form is refused rather than kept. */
const MAX_FORM_BYTES = 64 * 1024;

class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * Who calls: the sandbox checks no keys, so every caller is the account's root user, which AWS
 * describes as `arn:aws:iam::<account>:root` with the account id as its UserId.
 */
export function callerIdentity(accountId: string): { Arn: string; UserId: string; Account: string } {
  return { Arn: `arn:aws:iam::${accountId}:root`, UserId: accountId, Account: accountId };
}

/** The query parameters of a request: the query string, then a form body (a form field wins, as AWS reads both). */
async function queryParameters(req: IncomingMessage): Promise<URLSearchParams> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  const body = await readBody(
    req,
    MAX_FORM_BYTES,
    () => new StsError('RequestEntityTooLarge', `The request body is larger than ${MAX_FORM_BYTES} bytes`, 413),
  );
  if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.set(name, value);
  }
  return params;
}

function sendXml(res: ServerResponse, xml: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Starts STS over the sandbox's account; it keeps no state. */
export function createStsService(ctx: SandboxContext): SandboxService {
  return {
    async handle(req, res) {
      let action: string | null;
      try {
        action = (await queryParameters(req)).get('Action');
        if (!action) throw new StsError('MissingAction', 'Missing Action');
      } catch (err) {
        if (!(err instanceof StsError)) throw err;
        return writeProtocolError(req, res, 'query', { code: err.code, message: err.message, status: err.status });
      }
      if (action !== 'GetCallerIdentity') return writeProtocolError(req, res, 'query', notImplemented('sts', action));
      const identity = callerIdentity(ctx.accountId);
      const fields = Object.entries(identity)
        .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
        .join('');
      const requestId = String(res.getHeader('x-amzn-RequestId') ?? '');
      sendXml(
        res,
        `<GetCallerIdentityResponse xmlns="${STS_NAMESPACE}"><GetCallerIdentityResult>${fields}</GetCallerIdentityResult>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    },
    close: async () => {},
  };
}
