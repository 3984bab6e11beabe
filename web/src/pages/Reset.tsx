import { useEffect, useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { ApiError, messageOf } from '../api';
import { acceptPasswordReset, checkPasswordReset } from '../api-account';
import { Layout } from '../components/Layout';
import { Field } from '../components/Field';
import { ErrorMessage } from '../components/ErrorMessage';
import { useTitle } from '../components/useTitle';
import { useOneTimeLink } from '../components/useOneTimeLink';
import { LinkUnreachable } from '../components/NewAccountFields';

const INVALID = 'This password reset link is not valid or was already used.';

/** /reset#token=…: an administrator's one-time link to set a new password. */
export function Reset() {
  useTitle('Set a new password');
  const { token, state, info, error, setError, markInvalid, retry } = useOneTimeLink(checkPasswordReset);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  // null until the new password is set; then whether sign-in still asks for the second step.
  const [done, setDone] = useState<{ mfa_required: boolean } | null>(null);

  useEffect(() => {
    if (done) document.getElementById('reset-done-heading')?.focus();
  }, [done]);

  const onSubmit = async (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      const result = await acceptPasswordReset(token, password);
      setPassword('');
      setDone(result);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'reset_invalid') {
        setPassword('');
        markInvalid();
        return;
      }
      // e.g. password_weak: the server says which rule the password broke.
      setError(messageOf(err));
      document.getElementById('reset-password')?.focus();
    }
  };

  if (done) {
    return (
      <Layout narrow>
        <h1 id="reset-done-heading" tabIndex={-1}>
          Your password is set
        </h1>
        <div class="card" data-testid="reset-done">
          <p>Sign in with your email and your new password.</p>
          {done.mfa_required ? (
            <p class="notice" data-testid="reset-mfa-note">
              Two-step verification is still on: after your password, Haven asks for your passkey or
              the code from your authenticator app, as before.
            </p>
          ) : null}
          <a class="button primary" href="/signin" data-testid="reset-signin">
            Go to sign in
          </a>
        </div>
      </Layout>
    );
  }

  const min = info?.min_length ?? 15;
  return (
    <Layout narrow>
      {state === 'form' && info ? (
        <h1 data-testid="reset-heading">
          {info.display_name ? `Set a new password for ${info.display_name}` : 'Set a new password'}
        </h1>
      ) : (
        <h1>Set a new password</h1>
      )}
      {state === 'checking' ? (
        <p role="status" class="lead">
          Checking your link…
        </p>
      ) : null}
      {state === 'invalid' ? (
        <div class="card">
          <p class="notice" role="alert" data-testid="reset-invalid">
            {INVALID}
          </p>
          <p>Ask your administrator for a new link. Each link works once and expires after 24 hours.</p>
          <p>
            <a href="/signin">Go to sign in</a>
          </p>
        </div>
      ) : null}
      {state === 'unreachable' ? <LinkUnreachable error={error} retry={retry} /> : null}
      {state === 'form' ? (
        <>
          <p class="lead">Your administrator sent you this link. Choose a new password for signing in to Haven.</p>
          <form class="card" onSubmit={onSubmit}>
            <Field
              id="reset-password"
              label="New password"
              type="password"
              value={password}
              onInput={setPassword}
              autoComplete="new-password"
              testId="reset-password"
              hint={`Use at least ${min} characters. A few unrelated words make a strong, memorable password.`}
              minLength={min}
              maxLength={128}
            />
            <ErrorMessage message={error} />
            <button type="submit" class="button primary" disabled={busy} data-testid="reset-submit">
              {busy ? 'Saving…' : 'Set new password'}
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}
