/**
 * CloudWatch Logs filter patterns for unstructured events, as FilterLogEvents and StartLiveTail use them:
 * plain terms (all must occur), "quoted phrases", ?alternatives (at least one must occur),
 * -exclusions (none may occur), and a whole-pattern %regex%. Matching is case-sensitive substring
 * matching, as AWS does for terms. JSON (`{ $.x = 1 }`) and space-delimited (`[a, b]`) patterns are
 * refused with a clear message rather than silently matching everything.
 */

export type MessagePredicate = (message: string) => boolean;

export type ParsedPattern = { ok: true; matches: MessagePredicate } | { ok: false; message: string };

interface Term {
  kind: 'required' | 'alternative' | 'excluded';
  text: string;
}

const matchAll: MessagePredicate = () => true;

export function parseFilterPattern(pattern: string | undefined): ParsedPattern {
  const text = (pattern ?? '').trim();
  if (text === '') return { ok: true, matches: matchAll };
  if (text.startsWith('{') || text.startsWith('[')) {
    return {
      ok: false,
      message:
        `The sandbox supports term filter patterns only (terms, "quoted phrases", ?alternatives, -exclusions, %regex%); ` +
        `JSON and space-delimited patterns are not supported: ${text}`,
    };
  }
  if (text.length >= 2 && text.startsWith('%') && text.endsWith('%')) return parseRegex(text.slice(1, -1));

  const terms = tokenize(text);
  if (!terms.ok) return terms;
  return { ok: true, matches: predicateFor(terms.terms) };
}

function parseRegex(source: string): ParsedPattern {
  try {
    const re = new RegExp(source);
    return { ok: true, matches: (m) => re.test(m) };
  } catch (err) {
    return { ok: false, message: `Invalid regular expression in filter pattern: ${(err as Error).message}` };
  }
}

// Hand-written: the grammar is three prefixes and double quotes; no library parses CloudWatch's term syntax.
function tokenize(text: string): { ok: true; terms: Term[] } | { ok: false; message: string } {
  const terms: Term[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let kind: Term['kind'] = 'required';
    if (text[i] === '?' || text[i] === '-') {
      kind = text[i] === '?' ? 'alternative' : 'excluded';
      i++;
    }
    let term = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i]!;
        if (c === '\\' && i + 1 < text.length) {
          term += text[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          closed = true;
          break;
        } else {
          term += c;
          i++;
        }
      }
      if (!closed) return { ok: false, message: `Invalid filter pattern: unterminated quoted phrase in ${text}` };
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) term += text[i++];
    }
    if (term === '') return { ok: false, message: `Invalid filter pattern: empty term in ${text}` };
    terms.push({ kind, text: term });
  }
  return { ok: true, terms };
}

function predicateFor(terms: Term[]): MessagePredicate {
  const required = terms.filter((t) => t.kind === 'required').map((t) => t.text);
  const alternatives = terms.filter((t) => t.kind === 'alternative').map((t) => t.text);
  const excluded = terms.filter((t) => t.kind === 'excluded').map((t) => t.text);
  return (message) =>
    required.every((t) => message.includes(t)) &&
    (alternatives.length === 0 || alternatives.some((t) => message.includes(t))) &&
    !excluded.some((t) => message.includes(t));
}
