import { useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { ApiError, acceptInvitation, checkInvitation, messageOf, roleHome } from '../api';
import { navigate } from '../router';
import { Layout } from '../components/Layout';
import { ErrorMessage } from '../components/ErrorMessage';
import { useTitle } from '../components/useTitle';
import { useOneTimeLink } from '../components/useOneTimeLink';
import { LinkUnreachable, NewAccountFields } from '../components/NewAccountFields';

const INVALID = 'This invitation link is not valid or was already used.';

export function Invite() {
  useTitle('Join Haven');
  const { token, state, info, error, setError, markInvalid, retry } = useOneTimeLink(checkInvitation);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      const user = await acceptInvitation(token, email.trim(), password);
      navigate(roleHome(user.role), { replace: true });
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'invitation_invalid') {
        markInvalid();
        return;
      }
      setError(messageOf(err));
    }
  };

  return (
    <Layout narrow>
      {state === 'form' && info ? (
        <h1 data-testid="invite-welcome">
          {info.display_name ? `Welcome, ${info.display_name}.` : 'Welcome.'}
        </h1>
      ) : (
        <h1>Join Haven</h1>
      )}
      {state === 'checking' ? (
        <p role="status" class="lead">
          Checking your invitation…
        </p>
      ) : null}
      {state === 'invalid' ? (
        <div class="card">
          <p class="notice" role="alert" data-testid="invite-invalid">
            {INVALID}
          </p>
          <p>Ask the person who invited you for a new link. Each link works once and expires after 72 hours.</p>
          <p>
            <a href="/signin">Go to sign in</a>
          </p>
        </div>
      ) : null}
      {state === 'unreachable' ? <LinkUnreachable error={error} retry={retry} /> : null}
      {state === 'form' ? (
        <>
          <p class="lead">Create your Haven account. You will use this email and password to sign in.</p>
          <form class="card" onSubmit={onSubmit}>
            <NewAccountFields
              prefix="invite-accept"
              email={email}
              onEmail={setEmail}
              password={password}
              onPassword={setPassword}
            />
            <ErrorMessage message={error} />
            <button type="submit" class="button primary" disabled={busy} data-testid="invite-accept-submit">
              {busy ? 'Creating account…' : 'Create account'}
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}
