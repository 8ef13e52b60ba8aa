import type { TimelineEvent } from '@rrl/contracts';
import { formatDuration, formatTime } from '../../../lib/format';

/** Events of a run, with the time since the run started (or since `zeroMs`, to align two runs on their fault). */
export function RunTimeline({ events, zeroMs = 0, label }: { events: TimelineEvent[]; zeroMs?: number; label: string }) {
  if (!events.length) return <p>No events yet.</p>;
  return (
    <ol className="timeline" aria-label={label}>
      {events.map((e, i) => {
        const offset = e.offsetMs - zeroMs;
        return (
          <li key={`${e.at}-${i}`} className={`tl-${e.type}`}>
            <span className="tl-offset">
              {offset < 0 ? '−' : '+'}
              {formatDuration(Math.abs(offset))}
            </span>
            <span className="tl-type">{e.type}</span>
            <span className="tl-message">{e.message}</span>
            <time className="tl-at" dateTime={e.at}>
              {formatTime(e.at, true)}
            </time>
          </li>
        );
      })}
    </ol>
  );
}

/** Offset of the fault itself (the first `action`), to line runs up on it. */
export function faultOffset(events: TimelineEvent[]): number {
  return events.find((e) => e.type === 'action')?.offsetMs ?? 0;
}
