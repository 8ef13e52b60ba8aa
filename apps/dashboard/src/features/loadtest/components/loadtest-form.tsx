import { useState } from 'react';
import { KEY_DISTRIBUTIONS, LOADTEST_LIMITS, type KeyDistribution, type LoadTestRequest } from '@rrl/contracts';
import { ErrorMessage } from '../../../components/error-message';
import { Field } from '../../../components/field';
import { useStartLoadTest } from '../api/loadtest-api';

/** The loop test's request; bounds from the API (it answers 400 naming each bad field, shown under the form). */
export function LoadTestForm({ disabled }: { disabled: boolean }) {
  const [iterations, setIterations] = useState('100000');
  const [concurrency, setConcurrency] = useState('32');
  const [readPercent, setReadPercent] = useState('90');
  const [distribution, setDistribution] = useState<KeyDistribution>('uniform');
  const [keyCount, setKeyCount] = useState('1000');
  const [seed, setSeed] = useState(true);
  const start = useStartLoadTest();

  const submit = () => {
    const request: LoadTestRequest = {
      iterations: Number(iterations),
      concurrency: Number(concurrency),
      readRatio: Number(readPercent) / 100,
      keys: { distribution, count: Number(keyCount) },
      seed,
    };
    start.mutate(request);
  };

  return (
    <form
      className="grid-form"
      aria-label="Start a loop test"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Field label="iterations">
        <input
          type="number"
          min={1}
          max={LOADTEST_LIMITS.maxIterations}
          value={iterations}
          onChange={(e) => setIterations(e.target.value)}
          required
        />
      </Field>
      <Field label="concurrency">
        <input
          type="number"
          min={1}
          max={LOADTEST_LIMITS.maxConcurrency}
          value={concurrency}
          onChange={(e) => setConcurrency(e.target.value)}
          required
        />
      </Field>
      <Field label="reads (%), the rest are writes">
        <input type="number" min={0} max={100} value={readPercent} onChange={(e) => setReadPercent(e.target.value)} required />
      </Field>
      <Field label="key distribution">
        <select value={distribution} onChange={(e) => setDistribution(e.target.value as KeyDistribution)}>
          {KEY_DISTRIBUTIONS.map((d) => (
            <option key={d}>{d}</option>
          ))}
        </select>
      </Field>
      <Field label="distinct keys">
        <input type="number" min={1} value={keyCount} onChange={(e) => setKeyCount(e.target.value)} required />
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={seed} onChange={(e) => setSeed(e.target.checked)} /> insert missing users first
      </label>
      <div className="actions">
        <button type="submit" disabled={disabled || start.isPending}>
          Start the loop test
        </button>
        {disabled && <span className="help">One loop test at a time.</span>}
      </div>
      <ErrorMessage error={start.error} context="Start" />
    </form>
  );
}
