import { useEffect, useState } from 'preact/hooks';
import { ApiError, messageOf } from '../api';
import type { Failure } from './useSubmit';

export type LinkState = 'checking' | 'form' | 'invalid' | 'unreachable';

/**
 * Reads the one-time token from the URL fragment (#token=...) and removes it from the
 * address bar and history at once, so it is not left in the history or shown on screen.
 */
export function takeTokenFromHash(): string {
  const hash = location.hash.startsWith('#') ? location.hash.slice(1) : location.hash;
  const token = new URLSearchParams(hash).get('token') ?? '';
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  return token;
}

/**
 * The state of a one-time link page (enrollment, invitation, password reset): takes the
 * token from the fragment, asks the server whether it is valid (`check` resolves to what the
 * page needs, or a falsy value for "not valid"), and offers a retry when the server is
 * unreachable (`error` says why). The form's own errors are the page's (useSubmit).
 */
export function useOneTimeLink<T>(check: (token: string) => Promise<T | null | false>) {
  const [token] = useState(takeTokenFromHash);
  const [state, setState] = useState<LinkState>(token ? 'checking' : 'invalid');
  const [info, setInfo] = useState<T | null>(null);
  const [error, setError] = useState('');

  const retry = () => {
    if (!token) return;
    setState('checking');
    setError('');
    check(token)
      .then((found) => {
        setInfo(found || null);
        setState(found ? 'form' : 'invalid');
      })
      .catch((err: unknown) => {
        setError(messageOf(err));
        setState('unreachable');
      });
  };

  useEffect(retry, [token]);

  const markInvalid = () => setState('invalid');

  /** The form's Failure: `code` means the link was used up meanwhile (the page says so). */
  const failure =
    (code: string): Failure =>
    (err) => {
      if (!(err instanceof ApiError && err.code === code)) return messageOf(err);
      markInvalid();
      return '';
    };

  return { token, state, info, error, markInvalid, failure, retry };
}
