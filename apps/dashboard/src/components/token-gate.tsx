import { useState, type ReactNode } from 'react';
import { setChaosToken, useChaosToken } from '../lib/chaos-token';

/**
 * Asks for the chaos token once per browser session. It stays in sessionStorage (gone when the tab
 * closes), goes out only as a bearer header, and never into the URL or a log.
 */
export function TokenGate({ children, purpose }: { children: ReactNode; purpose: string }) {
  const token = useChaosToken();
  const [value, setValue] = useState('');
  if (token) return <>{children}</>;
  return (
    <div className="card" role="region" aria-labelledby="token-title">
      <h2 id="token-title">Chaos token needed</h2>
      <p>
        {purpose} needs the chaos token. <code>npm start</code> prints one in its log (“Chaos API token for this run”), or set{' '}
        <code>CHAOS_TOKEN</code>. It is kept for this browser tab only.
      </p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) setChaosToken(value.trim());
        }}
      >
        <label htmlFor="chaos-token">Chaos token</label>
        <input id="chaos-token" type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} required />
        <button type="submit">Use token</button>
      </form>
    </div>
  );
}

export function ForgetTokenButton() {
  return (
    <button type="button" className="link-button" onClick={() => setChaosToken(null)}>
      Forget the chaos token
    </button>
  );
}
