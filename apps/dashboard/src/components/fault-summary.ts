import type { LiveConnection } from '../live/live-queries';
import { isBreakerOpen, isOutage, type Interval, type MetricHistory } from '../live/metric-history';
import { formatTime } from '../lib/format';
import { WINDOW_CHOICES } from '../lib/view-settings';

const end = (i: Interval) => (i.ongoing ? 'now' : formatTime(i.to * 1000));
const span = (i: Interval) => `${formatTime(i.from * 1000)}–${end(i)}`;
/** A few stretches one by one; a breaker cycling open / half-open every second as one range. */
const spans = (list: Interval[]) =>
  list.length <= 3
    ? list.map(span).join(', ')
    : `${list.length} times from ${formatTime(list[0].from * 1000)} to ${end(list[list.length - 1])}`;

/**
 * Says in words what the bands and markers in view show, for screen readers and for anyone reading
 * the page. The state now (the badges' source, live even while paused) counts: an outage or an open
 * breaker still going is never described as absent.
 */
export function faultSummary(h: MetricHistory, windowSeconds: number, now: LiveConnection | null | undefined): string {
  const window = WINDOW_CHOICES.find((c) => c.seconds === windowSeconds)?.label ?? `${windowSeconds} s`;
  const outages = h.outages(windowSeconds);
  const open = h.breakerOpen(windowSeconds);
  const redisDown = now ? isOutage(now.redis.state) : outages.some((o) => o.ongoing);
  const breakerOpen = now ? isBreakerOpen(now.breaker.state) : open.some((o) => o.ongoing);
  const parts: string[] = [];
  if (redisDown && !outages.some((o) => o.ongoing))
    parts.push(`Redis ${now?.redis.state ?? 'down'} now${now?.redis.since ? ` (since ${formatTime(now.redis.since)})` : ''}`);
  if (outages.length) parts.push(`Redis outages in the last ${window}: ${spans(outages)}`);
  else if (!redisDown) parts.push(`no Redis outage in the last ${window}`);
  if (breakerOpen && !open.some((o) => o.ongoing))
    parts.push(`breaker ${now?.breaker.state ?? 'open'} now${now?.breaker.since ? ` (since ${formatTime(now.breaker.since)})` : ''}`);
  if (open.length) parts.push(`breaker open: ${spans(open)}`);
  else if (!breakerOpen) parts.push('breaker closed throughout');
  const markers = h.markersInView(windowSeconds).slice(-3);
  if (markers.length) parts.push(`chaos: ${markers.map((m) => `${m.label} at ${formatTime(m.t * 1000)}`).join('; ')}`);
  return parts.join('; ');
}
