import type { UserDto } from '@rrl/contracts';
import { Badge } from '../../../components/badge';
import { formatMs, formatTime } from '../../../lib/format';
import type { Lookup } from '../api/users-api';

/** Newest first: each read with its source and time, so "MySQL, then Redis" is there to see. */
export function LookupResults({ lookups, onEdit }: { lookups: Lookup[]; onEdit: (u: UserDto) => void }) {
  if (!lookups.length) return null;
  return (
    <div className="table-scroll">
      <table className="results" data-testid="lookup-results">
        <caption>Reads, newest first</caption>
        <thead>
          <tr>
            <th scope="col">at</th>
            <th scope="col">user</th>
            <th scope="col">served by</th>
            <th scope="col">read took</th>
            <th scope="col">round trip</th>
            <th scope="col">
              <span className="sr-only">actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {lookups.map((l) => (
            <tr key={l.at}>
              <td>{formatTime(l.at)}</td>
              <td>
                <strong>
                  #{l.result.user.id} {l.result.user.name}
                </strong>
                <br />
                {l.result.user.email}
                {l.result.user.city ? ` · ${l.result.user.city}` : ''}
                {l.result.user.active ? '' : ' · inactive'}
              </td>
              <td>
                <Badge
                  tone={l.result.source === 'redis' ? 'good' : 'neutral'}
                  label={`served by ${l.result.source}`}
                  testId="lookup-source"
                >
                  {l.result.source === 'redis' ? 'Redis' : 'MySQL'}
                </Badge>
              </td>
              <td>{formatMs(l.result.durationMs)}</td>
              <td>{formatMs(l.roundTripMs)}</td>
              <td>
                <button type="button" className="secondary" onClick={() => onEdit(l.result.user)}>
                  Edit #{l.result.user.id}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
