import type { LoadTestRun } from '@rrl/contracts';
import { formatDuration, formatNumber, formatPercent, formatTime } from '../../../lib/format';

export function LoadTestHistory({ runs }: { runs: LoadTestRun[] }) {
  if (!runs.length) return <p>No loop tests yet.</p>;
  return (
    <div className="table-scroll">
      <table className="results">
        <caption className="sr-only">Past loop tests, newest first</caption>
        <thead>
          <tr>
            <th scope="col">started</th>
            <th scope="col">status</th>
            <th scope="col">iterations</th>
            <th scope="col">concurrency</th>
            <th scope="col">took</th>
            <th scope="col">avg rate</th>
            <th scope="col">success</th>
            <th scope="col">reads redis / db</th>
            <th scope="col">outages</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <td>{formatTime(r.startedAt)}</td>
              <td>{r.status}</td>
              <td>
                {formatNumber(r.progress.done)} / {formatNumber(r.request.iterations)}
              </td>
              <td>{r.request.concurrency}</td>
              <td>{r.endedAt ? formatDuration(Date.parse(r.endedAt) - Date.parse(r.startedAt)) : '—'}</td>
              <td>{formatNumber(r.progress.averageRatePerSecond)}/s</td>
              <td>{formatPercent(r.progress.successRate, 2)}</td>
              <td>
                {formatNumber(r.progress.readsBySource.redis)} / {formatNumber(r.progress.readsBySource.mysql)}
              </td>
              <td>{r.progress.outages.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
