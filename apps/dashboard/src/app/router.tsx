import { createBrowserRouter } from 'react-router';
import { Layout } from './layout';
import { OverviewPage } from '../features/overview/components/overview-page';
import { RouteError } from './route-error';

/** The Overview is the first page and ships in the initial bundle; every other page loads when first opened. */
export const routes = [
  {
    path: '/',
    Component: Layout,
    ErrorBoundary: RouteError,
    children: [
      { index: true, Component: OverviewPage },
      { path: 'users', lazy: async () => ({ Component: (await import('../features/users/components/users-page')).UsersPage }) },
      { path: 'chaos', lazy: async () => ({ Component: (await import('../features/chaos/components/chaos-page')).ChaosPage }) },
      {
        path: 'chaos/runs/:id',
        lazy: async () => ({ Component: (await import('../features/chaos/components/run-page')).ChaosRunPage }),
      },
      { path: 'loadtest', lazy: async () => ({ Component: (await import('../features/loadtest/components/loadtest-page')).LoadTestPage }) },
      { path: 'logs', lazy: async () => ({ Component: (await import('../features/logs/components/logs-page')).LogsPage }) },
      {
        path: 'connection',
        lazy: async () => ({ Component: (await import('../features/connection/components/connection-page')).ConnectionPage }),
      },
      { path: '*', Component: NotFound },
    ],
  },
];

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>Pick a page from the menu.</p>
    </section>
  );
}

export const router = createBrowserRouter(routes);
