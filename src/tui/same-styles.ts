/**
 * Whether two cells' styles are the same, as ink's frame writer holds them (@alcalzone/ansi-tokenize's reduced
 * AnsiCode lists: `code` opens a style, `endCode` closes it). Between two such cells the escape codes needed are none,
 * which the library also answers, at the cost of three Sets and four arrays per cell; the TUI's bundle
 * (scripts/bundle-tui.mjs) asks this first.
 */
export interface CellStyle {
  code: string;
  endCode: string;
}

export function sameStyles(from: readonly CellStyle[], to: readonly CellStyle[]): boolean {
  if (from.length !== to.length) return false;
  for (let i = 0; i < from.length; i++) if (from[i]!.code !== to[i]!.code || from[i]!.endCode !== to[i]!.endCode) return false;
  return true;
}
