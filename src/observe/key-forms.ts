/**
 * A counted set of strings (the spellings of the keys of the ops being watched) that answers "does this message contain
 * any of them?" without testing each one: the forms are grouped by length, and a message's substrings of each length
 * that start with a character some form starts with are looked up. A burst's thousand keys share a few lengths and
 * first characters, so a log line costs a few lookups instead of a thousand substring searches.
 */

/** Below this many forms of one length, plain `includes` per form is cheaper than sliding a window. */
const SCAN_BELOW = 8;

interface SameLength {
  /** form -> how many holders added it */
  forms: Map<string, number>;
  /** first char code -> how many forms start with it */
  firsts: Map<number, number>;
}

const bump = <K>(map: Map<K, number>, key: K, by: number) => {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
};

export class KeyForms {
  private readonly byLength = new Map<number, SameLength>();

  /** Adds each form once more (a form added twice needs two deletes). Empty forms are ignored. */
  add(forms: readonly string[]): void {
    for (const form of forms) {
      if (!form) continue;
      const same = this.byLength.get(form.length) ?? { forms: new Map<string, number>(), firsts: new Map<number, number>() };
      this.byLength.set(form.length, same);
      if (!same.forms.has(form)) bump(same.firsts, form.charCodeAt(0), 1);
      bump(same.forms, form, 1);
    }
  }

  /** Undoes one add() of these forms. */
  delete(forms: readonly string[]): void {
    for (const form of forms) {
      const same = this.byLength.get(form.length);
      if (!same?.forms.has(form)) continue;
      bump(same.forms, form, -1);
      if (!same.forms.has(form)) bump(same.firsts, form.charCodeAt(0), -1);
      if (same.forms.size === 0) this.byLength.delete(form.length);
    }
  }

  /** How many distinct forms it holds. */
  get size(): number {
    let n = 0;
    for (const same of this.byLength.values()) n += same.forms.size;
    return n;
  }

  /** Whether any form occurs in `text` (as a substring, as `text.includes(form)` would say). */
  foundIn(text: string): boolean {
    for (const [length, { forms, firsts }] of this.byLength) {
      if (length > text.length) continue;
      if (forms.size < SCAN_BELOW) {
        for (const form of forms.keys()) if (text.includes(form)) return true;
        continue;
      }
      for (let at = 0; at + length <= text.length; at++)
        if (firsts.has(text.charCodeAt(at)) && forms.has(text.slice(at, at + length))) return true;
    }
    return false;
  }
}
