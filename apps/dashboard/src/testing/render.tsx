import type { ReactElement, ReactNode } from 'react';
import { render, type RenderResult } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { LiveContext, type Live } from '../live/use-live-updates';
import { LogStore } from '../live/log-store';
import { MetricHistory } from '../live/metric-history';

export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false } } });
}

export function testLive(overrides: Partial<Live> = {}): Live {
  return { history: new MetricHistory(), logs: new LogStore(), setLogSubscriptions: () => undefined, ...overrides };
}

/** Renders a component the way the app does: query client, router and live context around it. */
export function renderWithApp(
  ui: ReactElement,
  { client = testQueryClient(), live = testLive() }: { client?: QueryClient; live?: Live } = {},
): RenderResult & { client: QueryClient; live: Live } {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>
      <LiveContext.Provider value={live}>
        <MemoryRouter>{children}</MemoryRouter>
      </LiveContext.Provider>
    </QueryClientProvider>
  );
  return Object.assign(render(ui, { wrapper }), { client, live });
}
