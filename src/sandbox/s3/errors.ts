import { restXmlErrorBody } from '../protocol/errors.js';

/** An S3 error carrying AWS's code, HTTP status and extra XML elements (ArgumentName, MinSizeAllowed...). */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

/** S3's rest-xml error document (the shared writer in protocol/errors.ts). */
export function s3ErrorXml(err: S3Error, resource: string, requestId: string): string {
  return restXmlErrorBody({ code: err.code, message: err.message, extra: err.extra }, resource, requestId);
}
