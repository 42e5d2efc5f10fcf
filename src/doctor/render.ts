/** `s3trigger doctor`'s output, pure: the checks as text (✓ ✗ ? with the fix under each ✗) or as one JSON document. */
import type { Check, Verdict } from './verdict.js';

const MARK = { ok: '✓', fail: '✗', unknown: '?' } as const;

/** What the report is about, for its first line and the JSON document. */
export interface DoctorSubject {
  bucket: string;
  key?: string;
  eventName: string;
  /** The target's label (`local sandbox http://…`, `AWS account …`). */
  target: string;
}

const heading = (s: DoctorSubject) =>
  `s3trigger doctor · bucket ${s.bucket} · s3:${s.eventName}${s.key !== undefined ? ` on key '${s.key}'` : ' (any key)'} · ${s.target}`;

function checkLines(c: Check): string[] {
  return [`${MARK[c.status]} ${c.detail}`, ...(c.fix ? [`    fix: ${c.fix}`] : [])];
}

/** The report as lines of text, newline-terminated. */
export function renderText(subject: DoctorSubject, verdict: Verdict): string {
  const lines = [heading(subject), ...verdict.checks.flatMap(checkLines), `${verdict.exitCode === 0 ? '→' : '✗'} ${verdict.summary}`];
  return `${lines.join('\n')}\n`;
}

/** One JSON document: the subject, every check (id, status ok|fail|unknown, detail, fix), the functions reached. */
export function renderJson(subject: DoctorSubject, verdict: Verdict): string {
  return `${JSON.stringify({
    bucket: subject.bucket,
    ...(subject.key !== undefined ? { key: subject.key } : {}),
    event: `s3:${subject.eventName}`,
    target: subject.target,
    reaches: verdict.reached,
    exitCode: verdict.exitCode,
    summary: verdict.summary,
    checks: verdict.checks.map((c) => ({ id: c.id, status: c.status, detail: c.detail, ...(c.fix ? { fix: c.fix } : {}) })),
  })}\n`;
}
