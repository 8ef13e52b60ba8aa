import type { ReactNode } from 'react';

export type Tone = 'good' | 'bad' | 'warn' | 'neutral';

/** A state shown as text on a coloured background: the colour helps, the words carry it. */
export function Badge({ tone, label, children, testId }: { tone: Tone; label: string; children: ReactNode; testId?: string }) {
  return (
    <span className={`badge badge-${tone}`} role="status" aria-label={label} data-testid={testId}>
      {children}
    </span>
  );
}
