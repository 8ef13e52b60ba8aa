import { AppError, ERROR_CODES } from '@rrl/contracts';
import type { FaultProxy } from '../proxy';
import type { ResolvedTarget } from './scenario';

const ENABLE_PROXY = 'enable the fault proxy in front of Redis (CHAOS_PROXY_ENABLED=true, config chaos.proxy.enabled) and restart the API';

const sameHost = (a: string, b: string) => (a === 'localhost' ? '127.0.0.1' : a) === (b === 'localhost' ? '127.0.0.1' : b);

/** The fault proxy when it forwards to this target (the app reaches the target through it), else null. */
export function proxyInFrontOf(t: ResolvedTarget, proxy: FaultProxy | null): FaultProxy | null {
  const e = t.target.endpoint;
  if (!proxy || !e) return null;
  const up = proxy.upstream;
  return up.port === e.port && sameHost(up.host, e.host) ? proxy : null;
}

/** A 400 saying why a network fault cannot reach this target and how to make it possible. */
export function noNetworkRoute(scenario: string, t: ResolvedTarget, proxy: FaultProxy | null, alternative = ''): AppError {
  const why = proxy
    ? `the fault proxy forwards to ${proxy.upstream.host}:${proxy.upstream.port}, not to ${t.id}${t.target.endpoint ? ` (${t.target.endpoint.host}:${t.target.endpoint.port})` : ''}`
    : 'the fault proxy is not enabled';
  return new AppError(ERROR_CODES.VALIDATION_FAILED, `scenario '${scenario}' cannot reach ${t.id}: ${why}; ${ENABLE_PROXY}${alternative}`);
}
