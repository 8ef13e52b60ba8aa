import { useQuery } from '@tanstack/react-query';
import { Badge } from '../../../components/badge';
import { ErrorMessage } from '../../../components/error-message';
import { StateBadges, redisTone } from '../../../components/state-badges';
import { formatDuration, formatTime } from '../../../lib/format';
import { redisEventsQuery } from '../../../live/live-queries';

/** Every transition of the Redis connection: when, from and to, the attempt, its backoff delay and the error kind. */
export function ConnectionPage() {
  const events = useQuery(redisEventsQuery);
  const rows = [...(events.data ?? [])].reverse();
  return (
    <section aria-labelledby="conn-title">
      <h1 id="conn-title">Connection history</h1>
      <StateBadges large />
      <ErrorMessage error={events.error} context="History" />
      <div className="card table-scroll">
        <table className="results" data-testid="connection-history">
          <caption>Redis connection transitions, newest first (the last {rows.length})</caption>
          <thead>
            <tr>
              <th scope="col">at</th>
              <th scope="col">from → to</th>
              <th scope="col">attempt</th>
              <th scope="col">next try in</th>
              <th scope="col">error kind</th>
              <th scope="col">message</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e, i) => (
              <tr key={`${e.at}-${i}`}>
                <td>{formatTime(e.at, true)}</td>
                <td>
                  {e.from} →{' '}
                  <Badge tone={redisTone(e.to)} label={`to ${e.to}`}>
                    {e.to}
                  </Badge>
                </td>
                <td>{e.attempt || ''}</td>
                <td>{e.delayMs !== undefined ? formatDuration(e.delayMs) : ''}</td>
                <td>{e.errorKind ?? ''}</td>
                <td className="wrap">{e.message ?? ''}</td>
              </tr>
            ))}
            {!rows.length && (
              <tr>
                <td colSpan={6}>No transitions yet.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
