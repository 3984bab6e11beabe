import { useEffect, useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { ApiError, getMe, roleHome, signIn } from '../api';
import { navigate } from '../router';
import { Layout } from '../components/Layout';
import { Field } from '../components/Field';
import { ErrorMessage } from '../components/ErrorMessage';
import { useTitle } from '../components/useTitle';

export function SignIn() {
  useTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  // Already signed in (e.g. a reload of "/"): go straight to the user's page.
  useEffect(() => {
    let live = true;
    getMe()
      .then((user) => {
        if (live) navigate(roleHome(user.role), { replace: true });
      })
      .catch(() => {
        /* not signed in: stay here */
      });
    return () => {
      live = false;
    };
  }, []);

  const onSubmit = async (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      await signIn(email.trim(), password);
      const user = await getMe();
      navigate(roleHome(user.role));
    } catch (err) {
      setPassword('');
      setError(err instanceof ApiError ? err.message : 'Something went wrong. Please try again.');
      setBusy(false);
    }
  };

  return (
    <Layout narrow>
      <h1>Sign in</h1>
      <p class="lead">Welcome back. Sign in to reach your sessions and messages.</p>
      <form class="card" onSubmit={onSubmit}>
        <Field
          id="signin-email"
          label="Email"
          type="email"
          value={email}
          onInput={setEmail}
          autoComplete="username"
          testId="signin-email"
          maxLength={254}
        />
        <Field
          id="signin-password"
          label="Password"
          type="password"
          value={password}
          onInput={setPassword}
          autoComplete="current-password"
          testId="signin-password"
          maxLength={128}
        />
        <ErrorMessage message={error} />
        <button type="submit" class="button primary" disabled={busy} data-testid="signin-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </Layout>
  );
}
