import { screen } from '@testing-library/react';
import { liveKeys } from '../live/live-queries';
import { renderWithApp, testQueryClient } from '../testing/render';
import { FeedBanner } from './feed-banner';

describe('FeedBanner', () => {
  it('says plainly that the feed is offline and when it tries again, and disappears once it is open', () => {
    const client = testQueryClient();
    client.setQueryData(liveKeys.feed, { status: 'offline', attempt: 3, retryInMs: 4000, since: Date.now() });
    const { rerender } = renderWithApp(<FeedBanner />, { client });
    expect(screen.getByRole('alert').textContent).toMatch(/Live feed offline.*Next try in \d(\.\d)? s \(attempt 4\)/);
    client.setQueryData(liveKeys.feed, { status: 'open', attempt: 0, retryInMs: null, since: Date.now() });
    rerender(<FeedBanner />);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
