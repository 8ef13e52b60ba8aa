import { useId } from 'react';
import { REFRESH_CHOICES, WINDOW_CHOICES, setViewSettings, useViewSettings } from '../lib/view-settings';

/**
 * Refresh interval and time window of the live charts, saved in this browser; a change applies at
 * once (the socket hook tells the server, the charts redraw). Paused: the charts and figures hold
 * still, the state badges keep following every transition.
 */
export function ViewControls() {
  const { tickMs, windowSeconds } = useViewSettings();
  const id = useId();
  return (
    <div className="view-controls" role="group" aria-label="Chart refresh and time window">
      <label htmlFor={`${id}-refresh`}>
        Refresh
        <select
          id={`${id}-refresh`}
          data-testid="refresh-interval"
          value={String(tickMs)}
          onChange={(e) => setViewSettings({ tickMs: e.target.value === 'null' ? null : Number(e.target.value) })}
        >
          {REFRESH_CHOICES.map((c) => (
            <option key={String(c.tickMs)} value={String(c.tickMs)}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-window`}>
        Show last
        <select
          id={`${id}-window`}
          data-testid="time-window"
          value={windowSeconds}
          onChange={(e) => setViewSettings({ windowSeconds: Number(e.target.value) })}
        >
          {WINDOW_CHOICES.map((c) => (
            <option key={c.seconds} value={c.seconds}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      {tickMs === null && (
        <span className="view-paused" role="status" data-testid="paused-note">
          Paused: charts and figures hold still; the Redis and breaker badges stay live.
        </span>
      )}
    </div>
  );
}
