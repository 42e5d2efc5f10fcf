import { Text } from 'ink';
import { memo } from 'react';
import { FOOTER_GAP, type FooterHint, fitFooter, footerHints, type Scope } from '../keymap.js';
import { useTheme } from '../theme.js';

export interface FooterProps {
  scope: Scope;
  /** Columns of the line: keys that do not fit are dropped from the end, `?` help and `q` quit always stay. */
  width: number;
  /** Why `r` (replay) does nothing on the selected row: shown in its place as `r off: why`. */
  replayOff?: string;
}

/** The hints of a scope with the replay key's state: `r replay`, or `r off: why` when the row cannot be replayed. */
export function footerLine(scope: Scope, width: number, replayOff?: string): FooterHint[] {
  const hints = footerHints(scope).map((h) =>
    h.command === 'events.replay' && replayOff !== undefined ? { ...h, description: `off: ${replayOff}`, off: true } : h,
  );
  return fitFooter(hints, width);
}

export const Footer = memo(function Footer({ scope, width, replayOff }: FooterProps) {
  const theme = useTheme();
  const gap = ' '.repeat(FOOTER_GAP);
  return (
    <Text wrap="truncate-end">
      {footerLine(scope, width, replayOff).map((hint, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the hints are a fixed list per scope
        <Text key={i}>
          {i > 0 ? gap : ''}
          <Text bold={!hint.off} color={hint.off ? undefined : theme.accent} dimColor={hint.off}>
            {hint.keys}
          </Text>
          <Text dimColor={!hint.off} color={hint.off ? theme.warn : undefined}>{` ${hint.description}`}</Text>
        </Text>
      ))}
    </Text>
  );
});
