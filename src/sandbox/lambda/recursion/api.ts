/**
 * PutFunctionRecursionConfig / GetFunctionRecursionConfig: `PUT|GET /2024-08-31/functions/{FunctionName}/recursion-config`,
 * body and answer `{"RecursiveLoop":"Allow"|"Terminate"}` (AWS: API_PutFunctionRecursionConfig). Unqualified functions only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../../protocol/body.js';
import { LambdaError, notFound, sendLambdaError } from '../errors.js';
import type { LambdaFunctions } from '../functions.js';
import { parseFunctionRef } from '../function-config.js';
import { type RecursionConfigStore, validateRecursiveLoop } from './config.js';

const PATH = /^\/2024-08-31\/functions\/([^/]+)\/recursion-config\/?$/;
const MAX_BODY_BYTES = 64 * 1024;

/** Answers the request when it is one of the two operations; false (nothing sent) otherwise. */
export async function handleRecursionRequest(
  deps: { functions: LambdaFunctions; configs: RecursionConfigStore },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const m = PATH.exec(url.pathname);
  if (!m || (req.method !== 'GET' && req.method !== 'PUT')) return false;
  try {
    let ref: string;
    try {
      ref = decodeURIComponent(m[1]!);
    } catch {
      ref = m[1]!;
    }
    const stored = deps.functions.resolve(ref);
    if (!stored || parseFunctionRef(ref)?.qualifier) throw notFound(deps.functions.arnOf(parseFunctionRef(ref)?.name ?? ref));
    const name = stored.configuration.FunctionName!;
    if (req.method === 'GET') {
      sendJson(res, 200, { RecursiveLoop: deps.configs.get(name) });
      return true;
    }
    const body = await readBody(req, MAX_BODY_BYTES, () => new LambdaError('RequestEntityTooLargeException', 'Request too large', 413));
    let input: { RecursiveLoop?: unknown } = {};
    try {
      input = body.length ? (JSON.parse(body.toString('utf8')) as { RecursiveLoop?: unknown }) : {};
    } catch {
      throw new LambdaError('SerializationException', 'Could not parse request body as JSON');
    }
    const value = validateRecursiveLoop(input?.RecursiveLoop);
    deps.configs.put(name, value);
    sendJson(res, 200, { RecursiveLoop: value });
  } catch (err) {
    if (err instanceof LambdaError) sendLambdaError(res, err);
    else throw err;
  }
  return true;
}
