import { errorMessage } from '@rrl/contracts';
import { ApiError } from '../lib/api-client';

/** An API error where it happened, with the API's own message. */
export function ErrorMessage({ error, context }: { error: unknown; context?: string }) {
  if (!error) return null;
  const message = errorMessage(error);
  const code = error instanceof ApiError && error.status ? ` (${error.status} ${error.code})` : '';
  return (
    <p className="error" role="alert">
      {context ? `${context}: ` : ''}
      {message}
      {code}
    </p>
  );
}
