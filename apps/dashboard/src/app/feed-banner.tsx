import { useQuery } from '@tanstack/react-query';
import { feedQuery } from '../live/live-queries';
import { formatDuration } from '../lib/format';
import { useNow } from '../components/use-now';

/** Says plainly when the live feed is down; gone as soon as it is back (the `hello` makes the page right). */
export function FeedBanner() {
  const { data: feed } = useQuery(feedQuery);
  const now = useNow(500);
  if (!feed || feed.status === 'open') return null;
  if (feed.status === 'connecting' && feed.attempt === 0) {
    return (
      <div className="banner banner-info" role="status" data-testid="feed-banner">
        Connecting to the live feed…
      </div>
    );
  }
  const retryAt = feed.since + (feed.retryInMs ?? 0);
  return (
    <div className="banner banner-offline" role="alert" data-testid="feed-banner">
      <strong>Live feed offline</strong>: the API does not answer (restarting?). The figures below are frozen at their last values.{' '}
      {feed.status === 'connecting'
        ? `Reconnecting now (attempt ${feed.attempt + 1})…`
        : `Next try in ${formatDuration(Math.max(0, retryAt - now))} (attempt ${feed.attempt + 1}).`}
    </div>
  );
}
