import { useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { API_LOG_TARGET } from '@rrl/contracts';
import { TokenGate } from '../../../components/token-gate';
import { ErrorMessage } from '../../../components/error-message';
import { Field } from '../../../components/field';
import { feedErrorQuery } from '../../../live/live-queries';
import { formatNumber, formatTime } from '../../../lib/format';
import { type StoredLogLine } from '../../../live/log-store';
import { useLogTargets } from '../api/log-targets-api';
import { filterLines, levelOf, LOG_LEVELS, useLogTail, type LevelFilter } from '../hooks/use-log-tail';

/** Lines rendered at once: the buffer keeps more, the page stays fast. */
const SHOWN = 500;

export function LogsPage() {
  return (
    <section aria-labelledby="logs-title">
      <h1 id="logs-title">Logs</h1>
      <p className="lead">Live output of the chaos targets (Redis and MySQL processes or containers) and of the API itself.</p>
      <TokenGate purpose="Reading logs">
        <LogViewer />
      </TokenGate>
    </section>
  );
}

function LogViewer() {
  const targets = useLogTargets();
  const { data: feedError } = useQuery(feedErrorQuery);
  const options = targets.data ?? [API_LOG_TARGET];
  const [chosen, setTarget] = useState<string | null>(null);
  // Until someone picks one, tail the first Redis-ish target (the most telling log), else the API.
  const target = chosen ?? options.find((t) => /redis/i.test(t)) ?? options.find((t) => t !== API_LOG_TARGET) ?? API_LOG_TARGET;
  const [text, setText] = useState('');
  const [level, setLevel] = useState<LevelFilter>('all');
  const [paused, setPaused] = useState(false);
  const frozen = useRef<StoredLogLine[]>([]);
  const tail = useLogTail(target);
  if (!paused) frozen.current = tail.lines;
  const shown = filterLines(paused ? frozen.current : tail.lines, text, level).slice(-SHOWN);
  const lost = tail.dropped.byServer + tail.dropped.evicted;

  return (
    <div className="card">
      <div className="log-controls">
        <Field label="target">
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            {options.map((t) => (
              <option key={t} value={t}>
                {t === API_LOG_TARGET ? 'api (this API)' : t}
              </option>
            ))}
          </select>
        </Field>
        <Field label="filter">
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="text in the line" />
        </Field>
        <Field label="level">
          <select value={level} onChange={(e) => setLevel(e.target.value as LevelFilter)}>
            {LOG_LEVELS.map((l) => (
              <option key={l} value={l}>
                {l === 'all' ? 'all levels' : `${l} and worse`}
              </option>
            ))}
          </select>
        </Field>
        <button type="button" onClick={() => setPaused(!paused)} aria-pressed={paused}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="secondary" onClick={() => tail.clear()}>
          Clear
        </button>
      </div>
      <ErrorMessage error={targets.error} context="Targets" />
      {feedError && <ErrorMessage error={new Error(feedError.message)} context={`Live feed (${feedError.code})`} />}
      <p className="help" role="status">
        {paused ? 'Paused: new lines are kept but not shown. ' : ''}
        Showing {shown.length} of {formatNumber(tail.lines.length)} lines kept.
        {lost > 0 &&
          ` ${formatNumber(lost)} older line(s) dropped${tail.dropped.byServer ? ` (${formatNumber(tail.dropped.byServer)} by the server because this page read too slowly)` : ''}.`}
      </p>
      <pre className="log-lines" data-testid="log-lines" tabIndex={0} aria-label={`Log of ${target}`}>
        {shown.length
          ? shown.map((l) => (
              <div key={l.seq} className={`log-${levelOf(l)}`}>
                <span className="log-at">{formatTime(l.at, true)}</span> {l.line}
              </div>
            ))
          : 'No lines yet.'}
      </pre>
    </div>
  );
}
