// A guest's page (docs/SESSIONS.md "Guests"): someone without an account opens the link a
// therapist sent them, types the 6-digit code the therapist told them another way, and
// then sees their one session with a Join button. The token leaves the address bar at
// once; a guest has no other page in Haven.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getMe, messageOf, signOut } from '../api';
import { acceptGuestLink } from '../api-appointments';
import { PatientAppointments } from '../components/Appointments';
import { ErrorMessage } from '../components/ErrorMessage';
import { Field } from '../components/Field';
import { Layout } from '../components/Layout';
import { takeTokenFromHash } from '../components/useOneTimeLink';
import { useSubmit } from '../components/useSubmit';
import { useTitle } from '../components/useTitle';
import { useSignedIn } from '../components/session';
import { signedOutByChoice } from '../idle';
import { navigate } from '../router';

type Phase = 'code' | 'checking' | 'in' | 'invalid';

const INVALID_TEXT =
  'This guest link does not work: it was used already, it has expired, or your therapist took it back. Ask your therapist for a new link and code.';

function CodeForm({ token, onIn, onInvalid }: { token: string; onIn: () => void; onInvalid: () => void }) {
  const [code, setCode] = useState('');
  const { busy, error, submit } = useSubmit();
  const failure = (err: unknown) => {
    if (err instanceof ApiError && err.code === 'guest_link_invalid') {
      onInvalid();
      return '';
    }
    setCode('');
    return messageOf(err);
  };
  return (
    <form class="card" onSubmit={submit(async () => {
      await acceptGuestLink(token, code);
      onIn();
    }, failure)} noValidate data-testid="guest-code-form">
      <p class="lead">Your therapist invited you to a video session. To keep it private, enter the code they gave you by phone or in person.</p>
      <Field
        id="guest-code"
        label="Code"
        type="text"
        value={code}
        onInput={setCode}
        autoComplete="one-time-code"
        inputMode="numeric"
        maxLength={7}
        hint="6 digits, for example 123 456."
        testId="guest-code"
      />
      <ErrorMessage message={error} testId="guest-error" />
      <button type="submit" class="button primary" disabled={busy || code.trim() === ''} data-testid="guest-continue">
        {busy ? 'Checking…' : 'Continue'}
      </button>
    </form>
  );
}

/** Signed in as a guest: their session, and Sign out (they have no account to go back to). */
function GuestHome() {
  const { user, loadError } = useSignedIn('guest');
  const [error, setError] = useState('');
  const onLeave = async () => {
    try {
      await signOut();
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) return setError(messageOf(err));
    }
    signedOutByChoice();
    navigate('/signin', { replace: true });
  };
  return (
    <Layout
      actions={
        user ? (
          <>
            <span class="who">
              <strong class="user-name" data-testid="user-name">{user.display_name}</strong> <span class="badge badge-warn">Guest</span>
            </span>
            <button type="button" class="button" onClick={() => void onLeave()} data-testid="signout">
              Sign out
            </button>
          </>
        ) : null
      }
    >
      <h1>Your session</h1>
      <ErrorMessage message={loadError || error} testId="guest-home-error" />
      {user ? (
        <>
          <p class="lead">You are a guest: you join this one session without an account. Join opens 15 minutes before the start; your therapist lets you in.</p>
          <PatientAppointments />
        </>
      ) : null}
    </Layout>
  );
}

export function Guest() {
  useTitle('Your session');
  const [token] = useState(takeTokenFromHash);
  const [phase, setPhase] = useState<Phase>(token ? 'code' : 'checking');

  // Back without the link (a reload after entering the code): a guest session carries on.
  useEffect(() => {
    if (phase !== 'checking') return;
    getMe()
      .then((me) => setPhase(me.role === 'guest' ? 'in' : 'invalid'))
      .catch(() => setPhase('invalid'));
  }, [phase]);

  if (phase === 'in') return <GuestHome />;
  return (
    <Layout narrow>
      <h1>Join your session</h1>
      {phase === 'checking' ? (
        <p class="lead" role="status">
          Checking…
        </p>
      ) : null}
      {phase === 'invalid' ? (
        <p class="notice" role="alert" data-testid="guest-invalid">
          {INVALID_TEXT}
        </p>
      ) : null}
      {phase === 'code' ? <CodeForm token={token} onIn={() => setPhase('in')} onInvalid={() => setPhase('invalid')} /> : null}
    </Layout>
  );
}
