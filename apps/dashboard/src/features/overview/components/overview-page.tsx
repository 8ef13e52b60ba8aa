import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { METRIC_READ_SOURCES, type MetricsSnapshot } from '@rrl/contracts';
import { ErrorMessage } from '../../../components/error-message';
import { StateBadges } from '../../../components/state-badges';
import { connectionQuery, metricsQuery } from '../../../live/live-queries';
import { useLive } from '../../../live/use-live-updates';
import { formatDuration, formatMs, formatNumber, formatPercent, formatTime } from '../../../lib/format';
import { useReconnectAttempts } from '../hooks/use-reconnect-attempts';
import { MetricCharts } from '../../../components/metric-charts';

export function OverviewPage() {
  const { history } = useLive();
  const metrics = useQuery(metricsQuery);
  const { data: connection } = useQuery(connectionQuery);
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <p className="lead">
        Reads go to Redis first and fall back to the database when Redis fails. Break Redis on the <Link to="/chaos">Chaos</Link> page and
        watch the app keep answering here.
      </p>
      <div className="overview-top">
        <div className="card">
          <h2>Connection</h2>
          <StateBadges large />
          <p>
            Endpoint <code data-testid="redis-endpoint">{connection?.redis.endpoint ?? '—'}</code>
          </p>
          <ReconnectAttempts />
        </div>
        {metrics.data ? <Figures s={metrics.data} /> : <ErrorMessage error={metrics.error} context="Metrics" />}
      </div>
      <MetricCharts history={history} />
    </section>
  );
}

function ReconnectAttempts() {
  const { attempts, ongoing } = useReconnectAttempts();
  if (!attempts.length) return <p>No reconnect attempts since the last outage.</p>;
  const shown = attempts.slice(-8);
  return (
    <div>
      <h3>
        {ongoing ? 'Reconnecting now' : 'Last outage'}: {attempts.length} attempt(s)
      </h3>
      <ol className="attempts" data-testid="reconnect-attempts">
        {shown.map((a, i) => (
          <li key={`${a.at}-${i}`}>
            {formatTime(a.at, true)} attempt {a.attempt}
            {a.delayMs !== undefined ? `, next in ${formatDuration(a.delayMs)}` : ''}
            {a.errorKind ? ` (${a.errorKind})` : ''}
          </li>
        ))}
      </ol>
    </div>
  );
}

function Figures({ s }: { s: MetricsSnapshot }) {
  const r = s.rates.last10s;
  const r60 = s.rates.last60s;
  const outage = s.currentOutage ?? s.lastOutage;
  return (
    <div className="card">
      <h2>Reads</h2>
      <table className="figures">
        <caption className="sr-only">Read rates over the last 10 and 60 seconds</caption>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">last 10 s</th>
            <th scope="col">last 60 s</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Reads/s</th>
            <td data-testid="reads-per-second">{formatNumber(r.readsPerSecond, 1)}</td>
            <td>{formatNumber(r60.readsPerSecond, 1)}</td>
          </tr>
          <tr>
            <th scope="row">Hit rate</th>
            <td>{formatPercent(r.hitRate)}</td>
            <td>{formatPercent(r60.hitRate)}</td>
          </tr>
          <tr>
            <th scope="row">Fallback rate</th>
            <td>{formatPercent(r.fallbackRate)}</td>
            <td>{formatPercent(r60.fallbackRate)}</td>
          </tr>
          <tr>
            <th scope="row">Error rate</th>
            <td>{formatPercent(r.errorRate)}</td>
            <td>{formatPercent(r60.errorRate)}</td>
          </tr>
        </tbody>
      </table>
      <table className="figures">
        <caption className="sr-only">Read latency per source</caption>
        <thead>
          <tr>
            <th scope="col">source</th>
            <th scope="col">reads</th>
            <th scope="col">p50</th>
            <th scope="col">p99</th>
          </tr>
        </thead>
        <tbody>
          {METRIC_READ_SOURCES.map((src) => (
            <tr key={src}>
              <th scope="row">{src === 'none' ? 'failed' : src}</th>
              <td>{formatNumber(s.totals.reads[src])}</td>
              <td>{formatMs(s.latency[src].p50)}</td>
              <td>{formatMs(s.latency[src].p99)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {s.currentOutage ? 'Outage in progress' : 'Last outage'}:{' '}
        {outage
          ? `${formatTime(outage.startedAt)}, ${formatDuration(outage.durationMs)}${outage.timeToRecoverMs !== null ? `, recovered in ${formatDuration(outage.timeToRecoverMs)}` : ''}`
          : 'none since the API started'}
        . Reconnects: {s.totals.successfulReconnects} of {s.totals.reconnectAttempts} attempts.
      </p>
    </div>
  );
}
