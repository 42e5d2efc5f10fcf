/** S3 XML bodies: building responses and reading the few request documents S3 takes. */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { S3Error } from './errors.js';

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressBooleanAttributes: false });

/** `<?xml?>` + `<root xmlns="...">body</root>`; arrays become repeated elements, undefined is left out. */
export function s3Xml(root: string, body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: { '@_xmlns': S3_NS, ...body } })}`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  // Keys may begin or end with spaces; other values are trimmed where they are read.
  trimValues: false,
  isArray: (name) => name === 'Part' || name === 'Object',
});

export const malformedXml = () =>
  new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');

/** Parses a request document; MalformedXML unless it is well-formed with the expected root. */
export function parseRequestXml(xml: string, root: string): Record<string, unknown> {
  if (xml.trim() === '' || XMLValidator.validate(xml) !== true) throw malformedXml();
  const doc = parser.parse(xml) as Record<string, unknown>;
  const node = doc[root];
  if (node === undefined) throw malformedXml();
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : {};
}

/** ISO-8601 with milliseconds, as S3 writes timestamps in XML. */
export const xmlDate = (iso: string) => new Date(iso).toISOString();
