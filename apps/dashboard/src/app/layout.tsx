import { NavLink, Outlet } from 'react-router';
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
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
    </LiveContext.Provider>
  );
}
