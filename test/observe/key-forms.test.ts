import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyForms } from '../../src/observe/key-forms.js';

const burstKeys = Array.from({ length: 40 }, (_, i) => `burst/run1/${String(i + 1).padStart(3, '0')}.txt`);

const cases: { name: string; forms: string[]; text: string; found: boolean }[] = [
  { name: 'no forms', forms: [], text: 'Object: a.txt', found: false },
  { name: 'a few forms, one inside the text', forms: ['a.txt', 'b.txt'], text: 'Object: a.txt', found: true },
  { name: 'a few forms, a substring counts (not only a token)', forms: ['a.txt'], text: 'Object: xa.txty', found: true },
  { name: 'a few forms, none there', forms: ['a.txt', 'b.txt'], text: 'Object: c.txt', found: false },
  { name: "a burst's keys, one at the end of the text", forms: burstKeys, text: 'Object:     burst/run1/017.txt', found: true },
  { name: "a burst's keys, one at the start", forms: burstKeys, text: 'burst/run1/040.txt uploaded', found: true },
  { name: "a burst's keys, the text is exactly one", forms: burstKeys, text: 'burst/run1/001.txt', found: true },
  { name: "a burst's keys, a near miss", forms: burstKeys, text: 'Object:     burst/run1/041.txt', found: false },
  { name: "a burst's keys, the text is shorter than every form", forms: burstKeys, text: 'burst/', found: false },
  {
    name: 'forms of several lengths',
    forms: [...burstKeys, 'x.txt', 'longer/key/name.json'],
    text: 'got longer/key/name.json',
    found: true,
  },
  { name: 'a key with a space', forms: [...burstKeys, 'my file.txt'], text: 'Object: my file.txt', found: true },
  { name: 'empty form is ignored', forms: [''], text: 'anything', found: false },
  {
    name: "a burst's keys after a UUID full of their first letter",
    forms: burstKeys,
    text: '5b3a22d3-05e5-435f-a1d9-09bc4231cdc9\tINFO\tObject: burst/run1/033.txt',
    found: true,
  },
  { name: "a burst's keys, the first two letters then a miss", forms: burstKeys, text: 'bu burst/run1/999.txt bursts', found: false },
  { name: 'many one-character forms, one there', forms: [...'abcdefghi'], text: 'xyz i', found: true },
  { name: 'many one-character forms, none there', forms: [...'abcdefghi'], text: 'xyz', found: false },
];
for (const c of cases) {
  test(`KeyForms.foundIn: ${c.name}`, () => {
    const forms = new KeyForms();
    forms.add(c.forms);
    assert.equal(forms.foundIn(c.text), c.found);
    // The same answer as testing each form.
    assert.equal(
      c.forms.some((f) => f !== '' && c.text.includes(f)),
      c.found,
    );
  });
}

test('KeyForms: a form added twice stays until deleted twice; its length and first character go with the last one', () => {
  const forms = new KeyForms();
  forms.add(burstKeys);
  forms.add(['burst/run1/005.txt']);
  assert.equal(forms.size, burstKeys.length);
  forms.delete(burstKeys);
  assert.equal(forms.size, 1);
  assert.equal(forms.foundIn('Object: burst/run1/005.txt'), true);
  assert.equal(forms.foundIn('Object: burst/run1/006.txt'), false);
  forms.delete(['burst/run1/005.txt']);
  assert.equal(forms.size, 0);
  assert.equal(forms.foundIn('Object: burst/run1/005.txt'), false);
  forms.delete(['never-added']);
  assert.equal(forms.size, 0);
});
