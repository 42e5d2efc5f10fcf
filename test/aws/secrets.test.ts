import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrubSecretPatterns as scrubLogLine } from '../../src/aws/secrets.js';

test('scrubLogLine removes signatures, credentials, tokens and Authorization values', () => {
  const cases: [string, RegExp][] = [
    [
      's3: PUT /b/k?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20250101&X-Amz-Signature=abc123def&X-Amz-Security-Token=FwoGZX: boom',
      /X-Amz-Credential=\[redacted\]&X-Amz-Signature=\[redacted\]&X-Amz-Security-Token=\[redacted\]/,
    ],
    [
      's3: GET /b/k?AWSAccessKeyId=test&Signature=c2ln%3D&Expires=1: boom',
      /AWSAccessKeyId=\[redacted\]&Signature=\[redacted\]&Expires=1: boom$/,
    ],
    [
      'lambda: bad request, authorization: AWS4-HMAC-SHA256 Credential=test/20250101/eu-west-1/lambda/aws4_request, SignedHeaders=host, Signature=00ff',
      /authorization: \[redacted\]$/,
    ],
    ['s3: header was AWS AKIDEXAMPLE12:c2lnbmF0dXJl', /AWS \[redacted\]$/],
    ['logs: nothing secret here', /^logs: nothing secret here$/],
  ];
  for (const [line, want] of cases) {
    const out = scrubLogLine(line);
    assert.match(out, want, out);
    assert.doesNotMatch(out, /abc123def|FwoGZX|c2ln|00ff|AKIDEXAMPLE12/, out);
  }
});
