import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { LiveContext, useLiveUpdates } from '../live/use-live-updates';
import { FeedBanner } from './feed-banner';
import { StateBadges } from '../components/state-badges';

const PAGES = [
  { to: '/', label: 'Overview' },
  { to: '/users', label: 'Users' },
  { to: '/chaos', label: 'Chaos' },
  { to: '/loadtest', label: 'Loop test' },
  { to: '/logs', label: 'Logs' },
  { to: '/connection', label: 'Connection history' },
];

/** The shell: skip link, header with the live state badges, navigation, the feed banner and the page. */
export function Layout() {
  const live = useLiveUpdates();
  const main = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const first = useRef(true);
  // After a client-side navigation, move focus to the new page so keyboard and screen-reader users start there.
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [pathname]);
  return (
    <LiveContext.Provider value={live}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="brand">Redis Resilience Lab</div>
        <StateBadges />
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.to}>
                <NavLink to={p.to} end={p.to === '/'}>
                  {p.label}
                </NavLink>
              </li>
            ))}
            <li>
              <a href="/docs">API docs</a>
            </li>
          </ul>
        </nav>
      </header>
      <FeedBanner />
      <main id="main" className="page" tabIndex={-1} ref={main}>
        <Outlet />
      </main>
    </LiveContext.Provider>
  );
}
