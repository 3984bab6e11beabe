import { useEffect, useState } from 'preact/hooks';
import { ApiError, messageOf, roleHome, signOut } from '../api';
import type { Role, User } from '../api';
import { getMeSession } from '../api-account';
import type { SessionClock } from '../api-account';
import { noteSessionEnded, signedOutByChoice, startIdleGuard } from '../idle';
import { navigate } from '../router';

export interface SignedIn {
  user: User | null;
  /** Error while loading the user (not a 401: that goes to /signin). */
  loadError: string;
}

/**
 * Loads the signed-in user. Without a session it goes to /signin; when `role` is given and
 * the user has another role, it goes to that user's own page. While the page shows the
 * user, the inactivity guard (idle.ts) runs.
 */
export function useSignedIn(role?: Role): SignedIn {
  const [user, setUser] = useState<User | null>(null);
  const [clock, setClock] = useState<SessionClock | null>(null);
  const [loadError, setLoadError] = useState('');

  useEffect(() => {
    let live = true;
    setUser(null);
    setLoadError('');
    getMeSession()
      .then((me) => {
        if (!live) return;
        if (role && me.user.role !== role) navigate(roleHome(me.user.role), { replace: true });
        else {
          setClock(me.session);
          setUser(me.user);
        }
      })
      .catch((err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.status === 401) {
          noteSessionEnded();
          navigate('/signin', { replace: true });
        } else setLoadError(messageOf(err));
      });
    return () => {
      live = false;
    };
  }, [role]);

  const signedIn = user !== null;
  useEffect(() => (signedIn ? startIdleGuard(clock) : undefined), [signedIn]);

  return { user, loadError };
}

interface AccountActionsProps {
  user: User;
  /** Which page this is, so its own link is marked as the current page. */
  current: 'home' | 'security';
  onError: (message: string) => void;
}

/** Top-bar links and the signed-in user's name with "Sign out". */
export function AccountActions({ user, current, onError }: AccountActionsProps) {
  const [signingOut, setSigningOut] = useState(false);

  const onSignOut = async () => {
    if (signingOut) return;
    setSigningOut(true);
    onError('');
    try {
      await signOut();
    } catch (err) {
      // A session that is already gone is as good as signed out.
      if (!(err instanceof ApiError && err.status === 401)) {
        setSigningOut(false);
        onError(messageOf(err));
        return;
      }
    }
    signedOutByChoice();
    navigate('/signin', { replace: true });
  };

  return (
    <>
      <nav class="topnav" aria-label="Account">
        <a href={roleHome(user.role)} aria-current={current === 'home' ? 'page' : undefined} data-testid="nav-home">
          Home
        </a>
        {user.role === 'guest' ? null : (
          // A guest has no account settings (docs/SESSIONS.md "Guests").
          <a href="/account" aria-current={current === 'security' ? 'page' : undefined} data-testid="nav-security">
            Security
          </a>
        )}
      </nav>
      <span class="who">
        Signed in as{' '}
        <strong class="user-name" data-testid="user-name">
          {user.display_name}
        </strong>
      </span>
      <button type="button" class="button" onClick={onSignOut} disabled={signingOut} data-testid="signout">
        {signingOut ? 'Signing out…' : 'Sign out'}
      </button>
    </>
  );
}
