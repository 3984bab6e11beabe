import { useEffect, useState } from 'preact/hooks';
import { ApiError, getMe, roleHome, signOut } from '../api';
import type { Role, User } from '../api';
import { navigate } from '../router';
import { Layout } from '../components/Layout';
import { ErrorMessage } from '../components/ErrorMessage';
import { useTitle } from '../components/useTitle';
import { useServerConnection } from '../ws';
import type { WsStatus } from '../ws';

interface RoleCopy {
  heading: string;
  intro: string;
}

const COPY: Record<Role, RoleCopy> = {
  admin: {
    heading: 'Practice administration',
    intro: 'Accounts, roles, security settings and the audit trail will appear here.',
  },
  therapist: {
    heading: 'Your sessions',
    intro: 'Your upcoming sessions, waiting room and messages will appear here.',
  },
  staff: {
    heading: 'Your care teams',
    intro: 'Patients of the care teams you belong to will appear here.',
  },
  patient: {
    heading: 'Your appointments',
    intro: 'When your therapist invites you to a session, it will appear here.',
  },
};

const STATUS_TEXT: Record<WsStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  offline: 'Offline',
};

function ConnectionStatus({ status }: { status: WsStatus }) {
  return (
    <p class={`ws-status ws-${status}`} role="status" data-testid="ws-status">
      {STATUS_TEXT[status]}
    </p>
  );
}

export function Landing({ role }: { role: Role }) {
  const copy = COPY[role];
  useTitle(copy.heading);
  const [user, setUser] = useState<User | null>(null);
  const [error, setError] = useState('');
  const [signingOut, setSigningOut] = useState(false);

  useEffect(() => {
    let live = true;
    setUser(null);
    getMe()
      .then((me) => {
        if (!live) return;
        if (me.role !== role) navigate(roleHome(me.role), { replace: true });
        else setUser(me);
      })
      .catch((err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.status === 401) navigate('/signin', { replace: true });
        else setError(err instanceof ApiError ? err.message : 'Something went wrong. Please try again.');
      });
    return () => {
      live = false;
    };
  }, [role]);

  const status = useServerConnection(user !== null);

  const onSignOut = async () => {
    if (signingOut) return;
    setSigningOut(true);
    setError('');
    try {
      await signOut();
    } catch (err) {
      // A session that is already gone is as good as signed out.
      if (!(err instanceof ApiError && err.status === 401)) {
        setSigningOut(false);
        setError(err instanceof ApiError ? err.message : 'Something went wrong. Please try again.');
        return;
      }
    }
    navigate('/signin', { replace: true });
  };

  const actions = user ? (
    <>
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
  ) : null;

  return (
    <Layout actions={actions}>
      <h1 data-testid="landing-heading">{copy.heading}</h1>
      <ErrorMessage message={error} />
      {user ? (
        <>
          <ConnectionStatus status={status} />
          <section class="card" aria-labelledby="overview-heading">
            <h2 id="overview-heading">Nothing here yet</h2>
            <p>{copy.intro}</p>
          </section>
        </>
      ) : error ? null : (
        <p role="status" class="lead">
          Loading…
        </p>
      )}
    </Layout>
  );
}
