import { useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { ApiError, checkEnrollment, completeEnrollment, roleHome } from '../api';
import { navigate } from '../router';
import { Layout } from '../components/Layout';
import { Field } from '../components/Field';
import { ErrorMessage } from '../components/ErrorMessage';
import { useTitle } from '../components/useTitle';
import { useOneTimeLink } from '../components/useOneTimeLink';
import { LinkUnreachable, NewAccountFields } from '../components/NewAccountFields';

const INVALID = 'This enrollment link is not valid or was already used.';

export function Enroll() {
  useTitle('Set up Haven');
  const { token, state, error, setError, markInvalid, retry } = useOneTimeLink(checkEnrollment);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      const user = await completeEnrollment(token, {
        display_name: name.trim(),
        email: email.trim(),
        password,
      });
      navigate(roleHome(user.role), { replace: true });
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'enrollment_invalid') {
        markInvalid();
        return;
      }
      setError(err instanceof ApiError ? err.message : 'Something went wrong. Please try again.');
    }
  };

  return (
    <Layout narrow>
      <h1>Set up your practice</h1>
      {state === 'checking' ? (
        <p role="status" class="lead">
          Checking your enrollment link…
        </p>
      ) : null}
      {state === 'invalid' ? (
        <div class="card">
          <p class="notice" role="alert" data-testid="enroll-invalid">
            {INVALID}
          </p>
          <p>
            Ask the person who installed Haven for a new link. They can create one with{' '}
            <code>haven admin enroll</code>.
          </p>
          <p>
            <a href="/signin">Go to sign in</a>
          </p>
        </div>
      ) : null}
      {state === 'unreachable' ? <LinkUnreachable error={error} retry={retry} /> : null}
      {state === 'form' ? (
        <>
          <p class="lead">
            Create the first administrator account. You will manage accounts and security settings
            from it.
          </p>
          <form class="card" onSubmit={onSubmit}>
            <Field
              id="enroll-name"
              label="Your name"
              type="text"
              value={name}
              onInput={setName}
              autoComplete="name"
              testId="enroll-name"
              maxLength={100}
            />
            <NewAccountFields
              prefix="enroll"
              email={email}
              onEmail={setEmail}
              password={password}
              onPassword={setPassword}
            />
            <ErrorMessage message={error} />
            <button type="submit" class="button primary" disabled={busy} data-testid="enroll-submit">
              {busy ? 'Creating account…' : 'Create account'}
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}
