import assert from 'node:assert/strict';
import { test } from 'node:test';
// ink's own dependency: the TUI's bundle answers its diffAnsiCodes' "same styles" case first (scripts/bundle-tui.mjs).
import { diffAnsiCodes, styledCharsFromTokens, tokenize } from '@alcalzone/ansi-tokenize';
import { sameStyles } from '../../src/tui/same-styles.js';

/** The styles of each cell of a line, as ink's frame writer holds them. */
const cellStyles = (line: string) => styledCharsFromTokens(tokenize(line)).map((c) => c.styles);

// Lines as the TUI draws them: plain, dim, bold + colour, inverse selection, dim and bold together (both end with 22m),
// a colour closed mid-line, a reset, a hyperlink.
const LINES = [
  'no operations yet: press p',
  '\u001B[2m s3trigger · starting\u001B[22m',
  '\u001B[1m\u001B[36m Operations \u001B[39m\u001B[22m key fires now',
  '\u001B[7m p P PUT  test.txt \u001B[27m next',
  '\u001B[1m\u001B[2mboth\u001B[22m none \u001B[2mdim\u001B[22m',
  '\u001B[31mred\u001B[39m\u001B[32mgreen\u001B[0m plain',
  '\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007 after',
];

test('sameStyles: true exactly when two cells carry the same codes in the same order', () => {
  const bold = { code: '\u001B[1m', endCode: '\u001B[22m' };
  const dim = { code: '\u001B[2m', endCode: '\u001B[22m' };
  const red = { code: '\u001B[31m', endCode: '\u001B[39m' };
  const green = { code: '\u001B[32m', endCode: '\u001B[39m' };
  const cases: [string, (typeof bold)[], (typeof bold)[], boolean][] = [
    ['both unstyled', [], [], true],
    ['one style, copied', [bold], [{ ...bold }], true],
    ['two styles', [bold, red], [bold, red], true],
    ['one more', [bold], [bold, red], false],
    ['one fewer', [bold, red], [bold], false],
    ['same end code, other start (dim after bold)', [bold], [dim], false],
    ['other colour', [red], [green], false],
    ['order differs', [bold, red], [red, bold], false],
  ];
  for (const [name, from, to, expected] of cases) assert.equal(sameStyles(from, to), expected, name);
});

test('where sameStyles says so, the library also needs no codes between the cells', () => {
  let checked = 0;
  for (const line of LINES) {
    const styles = cellStyles(line);
    for (let i = 1; i < styles.length; i++) {
      const [from, to] = [styles[i - 1]!, styles[i]!];
      if (!sameStyles(from, to)) {
        // And where it does not, the library is asked as before: the answer is whatever it was.
        continue;
      }
      assert.deepEqual(diffAnsiCodes(from, to), [], `${JSON.stringify(line)} cell ${i}`);
      checked++;
    }
    // Every cell against a copy of itself, the case the frame writer meets most.
    for (const s of styles)
      assert.deepEqual(
        diffAnsiCodes(
          s,
          s.map((c) => ({ ...c })),
        ),
        [],
      );
  }
  assert.ok(checked > 50, `only ${checked} same-style neighbours checked`);
});

test('cells whose styles differ still get codes from the library (the cases the shortcut must not take)', () => {
  const styles = cellStyles('\u001B[1mA\u001B[22mB\u001B[31mC\u001B[39m');
  assert.equal(sameStyles(styles[0]!, styles[1]!), false);
  assert.notDeepEqual(diffAnsiCodes(styles[0]!, styles[1]!), []);
  assert.equal(sameStyles(styles[1]!, styles[2]!), false);
  assert.notDeepEqual(diffAnsiCodes(styles[1]!, styles[2]!), []);
});
