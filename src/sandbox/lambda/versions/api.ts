/** The REST-JSON routes of versions and aliases (`/2015-03-31/functions/{name}/versions`, `…/aliases[/{alias}]`). */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../../protocol/body.js';
import { LambdaError, notFound } from '../errors.js';
import type { LambdaFunctions } from '../functions.js';
import { parseFunctionRef } from '../function-config.js';

function jsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      // AWS's JSON protocols read a member set to null as one left out.
      return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
    }
  } catch {
    /* answered below */
  }
  throw new LambdaError('SerializationException', 'Could not parse request body as JSON');
}

/**
 * Answers PublishVersion, ListVersionsByFunction and the alias operations; false for any other route.
 * The function is named without a qualifier here (a qualified name is not found, as on AWS).
 */
export async function handleVersionRoute(
  fns: LambdaFunctions,
  r: { op: string; name?: string; alias?: string },
  url: URL,
  body: Buffer,
  res: ServerResponse,
): Promise<boolean> {
  const ops = ['PublishVersion', 'ListVersionsByFunction', 'CreateAlias', 'ListAliases', 'GetAlias', 'UpdateAlias', 'DeleteAlias'];
  if (!ops.includes(r.op)) return false;
  const ref = r.name ?? '';
  const name = parseFunctionRef(ref)?.name ?? ref;
  if (!fns.target(ref)) throw notFound(fns.arnOf(name));
  const v = fns.versions;
  const alias = r.alias ?? '';
  switch (r.op) {
    case 'PublishVersion':
      sendJson(res, 201, v.publish(name, jsonBody(body) as { CodeSha256?: string; Description?: string; RevisionId?: string }));
      break;
    case 'ListVersionsByFunction':
      sendJson(res, 200, v.list(name));
      break;
    case 'CreateAlias':
      sendJson(res, 201, v.createAlias(name, jsonBody(body)));
      break;
    case 'ListAliases':
      sendJson(res, 200, v.listAliases(name, url.searchParams.get('FunctionVersion') ?? undefined));
      break;
    case 'GetAlias':
      sendJson(res, 200, v.getAlias(name, alias));
      break;
    case 'UpdateAlias':
      sendJson(res, 200, v.updateAlias(name, alias, jsonBody(body)));
      break;
    case 'DeleteAlias':
      v.deleteAlias(name, alias);
      res.writeHead(204).end();
      break;
  }
  return true;
}
