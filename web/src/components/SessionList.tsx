import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import { listSessions, revokeSession, signOutEverywhere } from '../api-account';
import type { ActiveSession } from '../api-account';
import { signedOutByChoice } from '../idle';
import { navigate } from '../router';
import { ErrorMessage, StatusMessage } from './ErrorMessage';

/** "12 March 2026, 14:05" for Unix seconds; '' when unknown. */
function when(at: number): string {
  if (!at) return '';
  const d = new Date(at * 1000);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

interface SessionListProps {
  /** Changes when the list should be loaded again (e.g. after a password change). */
  refresh: number;
}

/** Where the account is signed in: revoke one, or sign out everywhere (asks first). */
export function SessionList({ refresh }: SessionListProps) {
  const [sessions, setSessions] = useState<ActiveSession[] | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [busyId, setBusyId] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [signingOut, setSigningOut] = useState(false);

  const load = async () => {
    setError('');
    try {
      const list = await listSessions();
      // This device first, then the most recently used.
      list.sort((a, b) => Number(b.current) - Number(a.current) || b.last_seen_at - a.last_seen_at);
      setSessions(list);
    } catch (err) {
      setError(messageOf(err));
    }
  };

  useEffect(() => {
    void load();
  }, [refresh]);

  useEffect(() => {
    if (confirming) document.getElementById('sessions-signout-all-confirm')?.focus();
  }, [confirming]);

  const onRevoke = async (id: string) => {
    if (busyId) return;
    setBusyId(id);
    setError('');
    setStatus('');
    try {
      await revokeSession(id);
      setStatus('That device was signed out.');
      await load();
      document.getElementById('sessions-heading')?.focus();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusyId('');
    }
  };

  const onEverywhere = async () => {
    if (signingOut) return;
    setSigningOut(true);
    setError('');
    try {
      await signOutEverywhere();
    } catch (err) {
      setSigningOut(false);
      setError(messageOf(err));
      return;
    }
    signedOutByChoice();
    navigate('/signin', { replace: true });
  };

  const cancel = () => {
    setConfirming(false);
    window.setTimeout(() => document.getElementById('sessions-signout-all')?.focus(), 0);
  };

  return (
    <section class="card" aria-labelledby="sessions-heading" data-testid="sessions">
      <h2 id="sessions-heading" tabIndex={-1}>
        Where you are signed in
      </h2>
      <p>If you see a device you do not recognise, sign it out and change your password.</p>
      <ErrorMessage message={error} testId="sessions-error" />
      <StatusMessage message={status} testId="sessions-status" />
      {sessions === null ? (
        error ? null : <p class="muted">Loading…</p>
      ) : (
        <ul class="session-list" data-testid="session-list">
          {sessions.map((s) => (
            <li key={s.id} class="session-row" data-testid="session-item" data-session-id={s.id}>
              <div class="session-info" id={`session-${s.id}`}>
                <span class="session-name" data-testid={s.current ? 'session-current' : undefined}>
                  {s.current ? 'This device' : 'Another browser or device'}
                </span>
                <span data-testid="session-device">{s.device}</span>
                <span class="muted">Signed in {when(s.created_at) ? `on ${when(s.created_at)}` : 'at an unknown time'}</span>
                <span class="muted">Last active {when(s.last_seen_at) ? `on ${when(s.last_seen_at)}` : 'at an unknown time'}</span>
              </div>
              {s.current ? null : (
                <button
                  type="button"
                  class="button"
                  onClick={() => void onRevoke(s.id)}
                  aria-describedby={`session-${s.id}`}
                  disabled={busyId !== ''}
                  data-testid="session-revoke"
                >
                  {busyId === s.id ? 'Signing out…' : 'Sign out this device'}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {confirming ? (
        <div class="confirm" role="group" aria-labelledby="sessions-confirm-text">
          <p id="sessions-confirm-text" class="notice">
            Sign out of Haven on every device, including this one? You will need to sign in again.
          </p>
          <div class="confirm-actions">
            <button
              type="button"
              id="sessions-signout-all-confirm"
              class="button danger"
              onClick={() => void onEverywhere()}
              disabled={signingOut}
              data-testid="sessions-signout-all-confirm"
            >
              {signingOut ? 'Signing out…' : 'Yes, sign out everywhere'}
            </button>
            <button
              type="button"
              class="button"
              onClick={cancel}
              disabled={signingOut}
              data-testid="sessions-signout-all-cancel"
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          id="sessions-signout-all"
          class="button"
          onClick={() => setConfirming(true)}
          data-testid="sessions-signout-all"
        >
          Sign out everywhere
        </button>
      )}
    </section>
  );
}
