import { useEffect, useState } from 'preact/hooks';
import { acceptPasswordReset, checkPasswordReset } from '../api-account';
import { Layout } from '../components/Layout';
import { PasswordField } from '../components/Field';
import { ErrorMessage } from '../components/ErrorMessage';
import { SubmitButton } from '../components/SubmitButton';
import { useTitle } from '../components/useTitle';
import { useSubmit } from '../components/useSubmit';
import { useOneTimeLink } from '../components/useOneTimeLink';
import { OneTimeLinkPage } from '../components/OneTimeLinkPage';

const INVALID = 'This password reset link is not valid or was already used.';

/** /reset#token=…: an administrator's one-time link to set a new password. */
export function Reset() {
  useTitle('Set a new password');
  const { token, state, info, error, failure, retry } = useOneTimeLink(checkPasswordReset);
  const [password, setPassword] = useState('');
  const form = useSubmit();
  // null until the new password is set; then whether sign-in still asks for the second step.
  const [done, setDone] = useState<{ mfa_required: boolean } | null>(null);

  useEffect(() => {
    if (done) document.getElementById('reset-done-heading')?.focus();
  }, [done]);

  const linkFailure = failure('reset_invalid');
  const onSubmit = form.submit(
    async () => {
      const result = await acceptPasswordReset(token, password);
      setPassword('');
      setDone(result);
    },
    (err) => {
      // '' when the link was used up (the page now says so); otherwise e.g. password_weak,
      // where the server says which rule the password broke.
      const message = linkFailure(err);
      if (message) document.getElementById('reset-password')?.focus();
      else setPassword('');
      return message;
    },
  );

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

  return (
    <OneTimeLinkPage
      heading="Set a new password"
      formHeading={info ? (info.display_name ? `Set a new password for ${info.display_name}` : 'Set a new password') : undefined}
      formHeadingTestId="reset-heading"
      state={state}
      checking="Checking your link…"
      invalid={INVALID}
      invalidTestId="reset-invalid"
      advice="Ask your administrator for a new link. Each link works once and expires after 24 hours."
      error={error}
      retry={retry}
    >
      <p class="lead">Your administrator sent you this link. Choose a new password for signing in to Haven.</p>
      <form class="card" onSubmit={onSubmit}>
        <PasswordField id="reset-password" label="New password" value={password} onInput={setPassword} min={info?.min_length ?? 15} />
        <ErrorMessage message={form.error} />
        <SubmitButton busy={form.busy} busyText="Saving…" testId="reset-submit">
          Set new password
        </SubmitButton>
      </form>
    </OneTimeLinkPage>
  );
}
