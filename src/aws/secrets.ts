/**
 * What AWS secrets look like in text: SigV4/SigV2 signatures and credentials (query and header forms),
 * security tokens, Authorization header values, access key ids, and passwords in URLs. Shared by the tool's
 * output scrubber and the sandbox's own log.
 */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/(X-Amz-(?:Signature|Credential|Security-Token))(["']?\s*[=:]\s*["']?)[^&\s"',]+/gi, '$1$2[redacted]'],
  [/\b(Signature|Credential|AWSAccessKeyId|Policy|policy|signature)=([^&\s"',]+)/g, '$1=[redacted]'],
  [
    /\b(aws_secret_access_key|aws_session_token|secretAccessKey|sessionToken|SecretAccessKey|SessionToken)(["']?\s*[=:]\s*["']?)[^\s"',}]+/g,
    '$1$2[redacted]',
  ],
  // Authorization header values, whatever their scheme (SigV4's Credential/Signature, SigV2's `AWS key:signature`).
  [/\b(authorization)(["']?\s*[:=]\s*["']?)[^\r\n"']+/gi, '$1$2[redacted]'],
  [/\bAWS [A-Za-z0-9+/=]{8,}:[A-Za-z0-9+/=%]+/g, 'AWS [redacted]'],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '[access-key]'],
  // A password in a URL's userinfo (`http://user:PASSWORD@host`).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^/@\s:]*):[^/@\s]+@/gi, '$1:***@'],
];

/** The text with every recognisable secret replaced (`[redacted]`, `[access-key]`, `***`). Pure. */
export function scrubSecretPatterns(text: string): string {
  return SECRET_PATTERNS.reduce((s, [re, to]) => s.replace(re, to), text);
}
