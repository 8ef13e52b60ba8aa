import { isRouteErrorResponse, useRouteError } from 'react-router';

/** A page that failed to load or render says so (with a way back) instead of going blank. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : String(error);
  return (
    <main className="page">
      <h1>Something went wrong</h1>
      <p role="alert" className="error">
        {message}
      </p>
      <p>
        <a href="/">Back to the overview</a> (a new version of the dashboard may have been deployed: reloading fixes that).
      </p>
    </main>
  );
}
