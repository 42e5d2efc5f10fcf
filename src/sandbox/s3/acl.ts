/**
 * Access control lists: canned ACLs, `x-amz-grant-*` headers and the `<AccessControlPolicy>`
 * document (PutObjectAcl / GetObjectAcl in the S3 API reference; the user guide's "Access control
 * list (ACL) overview" for the canned ACLs' grants). The sandbox stores and echoes ACLs; it does
 * not enforce them. Pure.
 */
import { OBJECT_CANNED_ACLS } from '../../aws/s3-events.js';
import type { IncomingHttpHeaders } from 'node:http';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { S3Error } from './errors.js';
import { SANDBOX_OWNER_ID } from './event-record.js';
import { s3Xml } from './xml.js';

export type Permission = 'FULL_CONTROL' | 'WRITE' | 'WRITE_ACP' | 'READ' | 'READ_ACP';
const PERMISSIONS: readonly Permission[] = ['FULL_CONTROL', 'WRITE', 'WRITE_ACP', 'READ', 'READ_ACP'];

export type Grantee =
  | { type: 'CanonicalUser'; id: string; displayName?: string }
  | { type: 'Group'; uri: string }
  | { type: 'AmazonCustomerByEmail'; email: string };

export interface Grant {
  grantee: Grantee;
  permission: Permission;
}

/** What an object (or upload) stores: its grants. The owner is always the sandbox's single account. */
export interface StoredAcl {
  grants: Grant[];
}

export const OWNER = { id: SANDBOX_OWNER_ID, displayName: 'sandbox' };
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
const GROUPS = [ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY];
/** The canonical user (EC2's AMI reader) that aws-exec-read grants READ, as AWS lists it. */
const EC2_READER: Grantee = {
  type: 'CanonicalUser',
  id: '6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c',
  displayName: 'za-team',
};

export { OBJECT_CANNED_ACLS };

const ownerGrant = (permission: Permission): Grant => ({
  grantee: { type: 'CanonicalUser', id: OWNER.id, displayName: OWNER.displayName },
  permission,
});

/**
 * The grants of a canned ACL. The bucket owner is the object owner in the sandbox (one account), so
 * bucket-owner-read and bucket-owner-full-control come down to the owner's FULL_CONTROL.
 */
export function cannedAcl(name: string): StoredAcl {
  const group = (uri: string, permission: Permission): Grant => ({ grantee: { type: 'Group', uri }, permission });
  const grants: Grant[] = [ownerGrant('FULL_CONTROL')];
  if (name === 'public-read' || name === 'public-read-write') grants.push(group(ALL_USERS, 'READ'));
  if (name === 'public-read-write') grants.push(group(ALL_USERS, 'WRITE'));
  if (name === 'authenticated-read') grants.push(group(AUTHENTICATED_USERS, 'READ'));
  if (name === 'aws-exec-read') grants.push({ grantee: EC2_READER, permission: 'READ' });
  if (name === 'log-delivery-write') grants.push(group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP'));
  return { grants };
}

/** A new object's ACL: private. */
export const PRIVATE_ACL: StoredAcl = cannedAcl('private');

const GRANT_HEADERS: [string, Permission][] = [
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
];

const headerValue = (headers: IncomingHttpHeaders, name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

function granteeFromHeader(item: string, headerName: string): Grantee {
  const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(item);
  if (!m || m[2] === '') {
    throw new S3Error('InvalidArgument', 'Invalid id', 400, { ArgumentName: headerName, ArgumentValue: item.trim() });
  }
  const kind = m[1]!.toLowerCase();
  const value = m[2]!;
  if (kind === 'uri') {
    if (!GROUPS.includes(value))
      throw new S3Error('InvalidArgument', 'Invalid group uri', 400, { ArgumentName: 'uri', ArgumentValue: value });
    return { type: 'Group', uri: value };
  }
  if (kind === 'emailaddress') return { type: 'AmazonCustomerByEmail', email: value };
  return { type: 'CanonicalUser', id: value, ...(value === OWNER.id ? { displayName: OWNER.displayName } : {}) };
}

/**
 * The ACL a request's headers ask for: `x-amz-acl` (one of `allowed`) or `x-amz-grant-*` lists
 * (`id="..."`, `uri="..."`, `emailAddress="..."`, comma-separated); undefined when neither is sent.
 * InvalidArgument for an unknown canned ACL or grantee, InvalidRequest for both kinds at once.
 */
export function aclFromHeaders(headers: IncomingHttpHeaders, allowed: readonly string[] = OBJECT_CANNED_ACLS): StoredAcl | undefined {
  const canned = headerValue(headers, 'x-amz-acl');
  const grantHeaders = GRANT_HEADERS.filter(([name]) => headerValue(headers, name) !== undefined);
  if (canned !== undefined && grantHeaders.length > 0) {
    throw new S3Error('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed');
  }
  if (canned !== undefined) {
    if (!allowed.includes(canned)) throw new S3Error('InvalidArgument', '', 400, { ArgumentName: 'x-amz-acl', ArgumentValue: canned });
    return cannedAcl(canned);
  }
  if (grantHeaders.length === 0) return undefined;
  const grants: Grant[] = [];
  for (const [name, permission] of grantHeaders) {
    for (const item of headerValue(headers, name)!.split(',')) grants.push({ grantee: granteeFromHeader(item, name), permission });
  }
  return { grants };
}

const malformedAcl = () =>
  new S3Error('MalformedACLError', 'The ACL you provided was not well formed or did not validate against our published schema');

const aclParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => name === 'Grant',
});

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);

/** An `<AccessControlPolicy>` request body; MalformedACLError when it does not hold a valid ACL (at most 100 grants). */
export function aclFromXml(xml: string): StoredAcl {
  if (xml.trim() === '' || XMLValidator.validate(xml) !== true) throw malformedAcl();
  const doc = aclParser.parse(xml) as Record<string, unknown>;
  const policy = doc.AccessControlPolicy as Record<string, unknown> | undefined;
  if (typeof policy !== 'object' || policy === null) throw malformedAcl();
  const list = policy.AccessControlList;
  const rawGrants =
    typeof list === 'object' && list !== null ? ((list as Record<string, unknown>).Grant as unknown[] | undefined) : undefined;
  const grants = (rawGrants ?? []).map((g): Grant => {
    const node = (typeof g === 'object' && g !== null ? g : {}) as Record<string, unknown>;
    const permission = text(node.Permission) as Permission | undefined;
    if (!permission || !PERMISSIONS.includes(permission)) throw malformedAcl();
    const grantee = (typeof node.Grantee === 'object' && node.Grantee !== null ? node.Grantee : {}) as Record<string, unknown>;
    const type = text(grantee['@_type']);
    const id = text(grantee.ID);
    const uri = text(grantee.URI);
    const email = text(grantee.EmailAddress);
    if (type === 'CanonicalUser' && id) {
      return { grantee: { type, id, ...(id === OWNER.id ? { displayName: OWNER.displayName } : {}) }, permission };
    }
    if (type === 'Group' && uri) {
      if (!GROUPS.includes(uri))
        throw new S3Error('InvalidArgument', 'Invalid group uri', 400, { ArgumentName: 'uri', ArgumentValue: uri });
      return { grantee: { type, uri }, permission };
    }
    if (type === 'AmazonCustomerByEmail' && email) return { grantee: { type, email }, permission };
    throw malformedAcl();
  });
  if (grants.length > 100) throw malformedAcl();
  return { grants };
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

function granteeXml(g: Grantee): Record<string, unknown> {
  const base = { '@_xmlns:xsi': XSI, '@_xsi:type': g.type };
  if (g.type === 'CanonicalUser') return { ...base, ID: g.id, ...(g.displayName ? { DisplayName: g.displayName } : {}) };
  if (g.type === 'Group') return { ...base, URI: g.uri };
  return { ...base, EmailAddress: g.email };
}

/** GetObjectAcl / GetBucketAcl's `<AccessControlPolicy>` with the sandbox's owner. */
export function aclXml(acl: StoredAcl | undefined): string {
  const grants = (acl ?? PRIVATE_ACL).grants;
  return s3Xml('AccessControlPolicy', {
    Owner: { ID: OWNER.id, DisplayName: OWNER.displayName },
    AccessControlList: grants.length ? { Grant: grants.map((g) => ({ Grantee: granteeXml(g.grantee), Permission: g.permission })) } : '',
  });
}
