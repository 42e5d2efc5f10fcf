import { Text } from 'ink';
import { memo } from 'react';
import { footerHints, type Scope } from '../keymap.js';
import { useTheme } from '../theme.js';

export const Footer = memo(function Footer({ scope }: { scope: Scope }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      {footerHints(scope).map((hint, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the hints are a fixed list per scope
        <Text key={i}>
          <Text bold color={theme.accent}>
            {hint.keys}
          </Text>
          <Text dimColor>{` ${hint.description}  `}</Text>
        </Text>
      ))}
    </Text>
  );
});
