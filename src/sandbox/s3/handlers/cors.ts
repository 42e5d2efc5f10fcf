/** Put/Get/DeleteBucketCors and the preflight OPTIONS request, answered as S3 answers them. */
import { S3Error } from '../errors.js';
import { header, sendEmpty, sendXml, type S3Call } from '../http.js';
import { receiveSmallBody } from '../body.js';
import { corsHeaders, corsToXml, matchCorsRule, parseCorsXml, requestedHeaders } from '../cors.js';
import { requireBucket, type S3Deps } from './common.js';

export async function putBucketCors(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  const rules = parseCorsXml(await receiveSmallBody(call.req));
  await deps.store.setCors(bucket.name, rules);
  sendEmpty(call, 200);
}

export async function getBucketCors(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  if (!bucket.cors) throw new S3Error('NoSuchCORSConfiguration', 'The CORS configuration does not exist', 404, { BucketName: bucket.name });
  sendXml(call, corsToXml(bucket.cors));
}

export async function deleteBucketCors(deps: S3Deps, call: S3Call): Promise<void> {
  const bucket = requireBucket(deps, call);
  await deps.store.setCors(bucket.name, undefined);
  sendEmpty(call, 204);
}

const NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

/** OPTIONS: 200 with the Access-Control-* headers of the first matching rule, or S3's 400/403 errors. */
export async function preflight(deps: S3Deps, call: S3Call): Promise<void> {
  const origin = header(call.req, 'origin');
  if (!origin) throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.');
  const method = header(call.req, 'access-control-request-method');
  const forbidden = (message: string) =>
    new S3Error('AccessForbidden', message, 403, {
      Method: method ?? 'OPTIONS',
      ResourceType: call.target.key === undefined ? 'BUCKET' : 'OBJECT',
    });
  const bucket = call.target.bucket === undefined ? undefined : deps.store.getBucket(call.target.bucket);
  if (!bucket) throw forbidden('CORSResponse: Bucket not found');
  if (!bucket.cors) throw forbidden('CORSResponse: CORS is not enabled for this bucket.');
  if (!method) throw new S3Error('BadRequest', 'Invalid Access-Control-Request-Method: null');
  const query = { origin, method, requestHeaders: requestedHeaders(header(call.req, 'access-control-request-headers')) };
  const rule = matchCorsRule(bucket.cors, query);
  if (!rule) throw forbidden(NOT_ALLOWED);
  sendEmpty(call, 200, corsHeaders(rule, query));
}
