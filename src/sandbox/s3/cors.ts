/**
 * Bucket CORS as S3 evaluates it (PutBucketCors document, rule matching, response headers). Pure.
 * Source: S3 API PutBucketCors / CORSRule, and the "How Amazon S3 evaluates the CORS configuration"
 * guide: the first rule whose origin, method and (for a preflight) requested headers all match applies.
 */
import { S3Error } from './errors.js';
import { malformedXml, parseRequestXml, s3Xml } from './xml.js';

/** One CORSRule, with S3's element names (lists named in the plural, as the SDKs name them). */
export interface CorsRule {
  ID?: string;
  AllowedMethods: string[];
  AllowedOrigins: string[];
  AllowedHeaders: string[];
  ExposeHeaders: string[];
  MaxAgeSeconds?: number;
}

const METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'];
const MAX_RULES = 100;

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : v === null || typeof v === 'object' ? '' : String(v).trim());

function oneWildcard(kind: 'AllowedOrigin' | 'AllowedHeader', value: string): void {
  if (value.split('*').length > 2) throw new S3Error('InvalidRequest', `${kind} "${value}" can not have more than one wildcard.`);
}

/** Parses and validates a CORSConfiguration document; MalformedXML or InvalidRequest as S3 answers. */
export function parseCorsXml(xml: string): CorsRule[] {
  const doc = parseRequestXml(xml, 'CORSConfiguration');
  const rules = list(doc.CORSRule);
  if (rules.length === 0 || rules.length > MAX_RULES) throw malformedXml();
  return rules.map((raw) => {
    if (!raw || typeof raw !== 'object') throw malformedXml();
    const r = raw as Record<string, unknown>;
    const methods = list(r.AllowedMethod).map(text);
    const origins = list(r.AllowedOrigin).map(text);
    if (methods.length === 0 || origins.length === 0) throw malformedXml();
    for (const m of methods) {
      if (!METHODS.includes(m))
        throw new S3Error('InvalidRequest', `Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
    for (const o of origins) oneWildcard('AllowedOrigin', o);
    const headers = list(r.AllowedHeader).map(text);
    for (const h of headers) oneWildcard('AllowedHeader', h);
    const rule: CorsRule = {
      AllowedMethods: methods,
      AllowedOrigins: origins,
      AllowedHeaders: headers,
      ExposeHeaders: list(r.ExposeHeader).map(text),
    };
    if (r.ID !== undefined) rule.ID = text(r.ID);
    if (r.MaxAgeSeconds !== undefined) {
      const age = text(r.MaxAgeSeconds);
      if (!/^-?\d+$/.test(age)) throw malformedXml();
      rule.MaxAgeSeconds = Number(age);
    }
    return rule;
  });
}

/** The GetBucketCors document. */
export function corsToXml(rules: CorsRule[]): string {
  return s3Xml('CORSConfiguration', {
    CORSRule: rules.map((r) => ({
      ...(r.ID !== undefined ? { ID: r.ID } : {}),
      AllowedHeader: r.AllowedHeaders,
      AllowedMethod: r.AllowedMethods,
      AllowedOrigin: r.AllowedOrigins,
      ExposeHeader: r.ExposeHeaders,
      ...(r.MaxAgeSeconds !== undefined ? { MaxAgeSeconds: r.MaxAgeSeconds } : {}),
    })),
  });
}

/** A pattern with at most one `*` against a value. */
function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const [p, v] = ignoreCase ? [pattern.toLowerCase(), value.toLowerCase()] : [pattern, value];
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

/** A request to evaluate: its Origin, the method (a preflight's Access-Control-Request-Method), requested headers. */
export interface CorsQuery {
  origin: string;
  method: string;
  /** Only for a preflight: Access-Control-Request-Headers, split and lower-cased. */
  requestHeaders?: string[];
}

/** The first rule that allows the request, or undefined. */
export function matchCorsRule(rules: readonly CorsRule[] | undefined, q: CorsQuery): CorsRule | undefined {
  return rules?.find(
    (r) =>
      r.AllowedOrigins.some((o) => wildcardMatch(o, q.origin, false)) &&
      r.AllowedMethods.includes(q.method) &&
      (q.requestHeaders ?? []).every((h) => r.AllowedHeaders.some((a) => wildcardMatch(a, h, true))),
  );
}

/** Splits an Access-Control-Request-Headers value into lower-case names. */
export function requestedHeaders(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

/** The Access-Control-* headers S3 sends for a matched rule (a preflight also echoes the requested headers). */
export function corsHeaders(rule: CorsRule, q: CorsQuery): Record<string, string> {
  const any = rule.AllowedOrigins.includes('*');
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': any ? '*' : q.origin,
    'Access-Control-Allow-Methods': rule.AllowedMethods.join(', '),
  };
  if (!any) headers['Access-Control-Allow-Credentials'] = 'true';
  if (q.requestHeaders?.length) headers['Access-Control-Allow-Headers'] = q.requestHeaders.join(', ');
  if (rule.ExposeHeaders.length) headers['Access-Control-Expose-Headers'] = rule.ExposeHeaders.join(', ');
  if (rule.MaxAgeSeconds !== undefined) headers['Access-Control-Max-Age'] = String(rule.MaxAgeSeconds);
  headers.Vary = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';
  return headers;
}
