/**
 * A minimal AWS Security Token Service: `GetCallerIdentity`, so `aws sts get-caller-identity` and the
 * account label of an AWS-shaped target work against the sandbox. Query protocol (Action and Version in the
 * query string or a form body; XML answers), as in the STS API reference. Every other action is 501.
 */
import type { SandboxContext, SandboxService } from '../context.js';
import { escapeXml, notImplemented, writeProtocolError } from '../protocol/errors.js';
import { QueryProtocolError, readQueryParameters, sendQueryResult } from '../protocol/query.js';

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** STS's query requests are small; a larger form is refused rather than kept. */
const MAX_FORM_BYTES = 64 * 1024;

/**
 * Who calls: the sandbox checks no keys, so every caller is the account's root user, which AWS
 * describes as `arn:aws:iam::<account>:root` with the account id as its UserId.
 */
export function callerIdentity(accountId: string): { Arn: string; UserId: string; Account: string } {
  return { Arn: `arn:aws:iam::${accountId}:root`, UserId: accountId, Account: accountId };
}

/** Starts STS over the sandbox's account; it keeps no state. */
export function createStsService(ctx: SandboxContext): SandboxService {
  return {
    async handle(req, res) {
      let action: string | null;
      try {
        action = (await readQueryParameters(req, MAX_FORM_BYTES)).get('Action');
        if (!action) throw new QueryProtocolError('MissingAction', 'Missing Action');
      } catch (err) {
        if (!(err instanceof QueryProtocolError)) throw err;
        return writeProtocolError(req, res, 'query', { code: err.code, message: err.message, status: err.status });
      }
      if (action !== 'GetCallerIdentity') return writeProtocolError(req, res, 'query', notImplemented('sts', action));
      const identity = callerIdentity(ctx.accountId);
      const fields = Object.entries(identity)
        .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
        .join('');
      sendQueryResult(res, 'GetCallerIdentity', STS_NAMESPACE, fields);
    },
    close: async () => {},
  };
}
