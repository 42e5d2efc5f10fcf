/** The XML pieces of SNS's query answers (`<member>` lists, `<entry><key/><value/></entry>` maps). */
import { escapeXml } from '../protocol/errors.js';

export const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** `<name>value</name>`, value escaped; nothing for undefined. */
export const element = (name: string, value: string | number | boolean | undefined) =>
  value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;

/** A map as SNS writes it: `<name><entry><key>k</key><value>v</value></entry>…</name>`. */
export const mapXml = (name: string, entries: [string, string][]) =>
  `<${name}>${entries.map(([k, v]) => `<entry>${element('key', k)}${element('value', v)}</entry>`).join('')}</${name}>`;

/** A list as SNS writes it: `<name><member>…</member>…</name>` (`<name/>` when empty). */
export const listXml = (name: string, members: string[]) =>
  members.length === 0 ? `<${name}/>` : `<${name}>${members.map((m) => `<member>${m}</member>`).join('')}</${name}>`;
