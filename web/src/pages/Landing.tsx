import { useEffect, useState } from 'preact/hooks';
import { ApiError, getAccountSecurity, getMe, hasSecondFactor } from '../api';
import type { AccountSecurity, Role } from '../api';
import { navigate } from '../router';
import { Layout } from '../components/Layout';
import { ErrorMessage } from '../components/ErrorMessage';
import { useTitle } from '../components/useTitle';
import { AccountActions, useSignedIn } from '../components/session';
import { InviteForm } from '../components/InviteForm';
import { People } from '../components/People';
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

/** Shown to roles that must use two-step verification until they have set it up. */
function MfaNudge() {
  return (
    <div class="notice nudge" role="status" data-testid="mfa-nudge">
      <p>Set up two-step verification to see patient information.</p>
      <a class="button primary" href="/account">
        Set up two-step verification
      </a>
    </div>
  );
}

export function Landing({ role }: { role: Role }) {
  const copy = COPY[role];
  useTitle(copy.heading);
  const { user, loadError } = useSignedIn(role);
  const [error, setError] = useState('');
  const [security, setSecurity] = useState<AccountSecurity | null>(null);

  useEffect(() => {
    if (!user) return undefined;
    let live = true;
    getAccountSecurity()
      .then((s) => {
        if (live) setSecurity(s);
      })
      .catch(() => {
        /* the nudge is a hint; the server enforces the rule */
      });
    return () => {
      live = false;
    };
  }, [user]);

  const status = useServerConnection(user !== null);

  // When the live connection drops, check the session: a disabled account or a session
  // ended elsewhere goes back to sign-in instead of showing a stale page.
  useEffect(() => {
    if (status !== 'offline' || !user) return;
    getMe().catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 401) navigate('/signin', { replace: true });
    });
  }, [status, user]);

  const shown = error || loadError;
  const needsMfa = security !== null && security.mfa_required && !hasSecondFactor(security);

  return (
    <Layout actions={user ? <AccountActions user={user} current="home" onError={setError} /> : null}>
      <h1 data-testid="landing-heading">{copy.heading}</h1>
      <ErrorMessage message={shown} />
      {user ? (
        <>
          <ConnectionStatus status={status} />
          {needsMfa ? <MfaNudge /> : null}
          {role === 'admin' ? (
            <>
              <InviteForm
                roles={['therapist', 'staff', 'admin']}
                heading="Invite someone"
                intro="Create a one-time link for a new colleague. They choose their own email and password."
              />
              <People selfId={user.id} />
            </>
          ) : null}
          {role === 'therapist' ? (
            <InviteForm
              roles={['patient']}
              heading="Invite a patient"
              intro="Create a one-time link for a new patient. They choose their own email and password."
            />
          ) : null}
          {role !== 'admin' ? (
            <section class="card" aria-labelledby="overview-heading">
              <h2 id="overview-heading">Nothing here yet</h2>
              <p>{copy.intro}</p>
            </section>
          ) : null}
        </>
      ) : shown ? null : (
        <p role="status" class="lead">
          Loading…
        </p>
      )}
    </Layout>
  );
}
