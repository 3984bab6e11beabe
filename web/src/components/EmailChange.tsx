import { useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { messageOf } from '../api';
import { changeEmail } from '../api-account';
import { Field } from './Field';
import { ErrorMessage } from './ErrorMessage';

interface EmailChangeProps {
  email: string;
}

/** Change the sign-in email: the current password, then the new address. */
export function EmailChange({ email }: EmailChangeProps) {
  const [shown, setShown] = useState(email);
  const [password, setPassword] = useState('');
  const [fresh, setFresh] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');

  const onSubmit = async (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    setStatus('');
    try {
      const user = await changeEmail(password, fresh.trim());
      setShown(user.email);
      setPassword('');
      setFresh('');
      setStatus('Your email is changed. Use the new address the next time you sign in.');
    } catch (err) {
      setPassword('');
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={onSubmit} aria-labelledby="email-heading" data-testid="email-change">
      <h2 id="email-heading">Change your email</h2>
      <p>
        You sign in with <strong data-testid="email-current">{shown}</strong>.
      </p>
      <Field
        id="email-new"
        label="New email"
        type="email"
        value={fresh}
        onInput={setFresh}
        autoComplete="email"
        testId="email-new"
        maxLength={254}
      />
      <Field
        id="email-password"
        label="Your password"
        type="password"
        value={password}
        onInput={setPassword}
        autoComplete="current-password"
        testId="email-password"
        hint="We ask again before changing how you sign in."
        maxLength={128}
      />
      <ErrorMessage message={error} testId="email-error" />
      <p class="status-text" role="status" aria-live="polite" data-testid="email-status">
        {status}
      </p>
      <button type="submit" class="button primary" disabled={busy} data-testid="email-submit">
        {busy ? 'Changing…' : 'Change email'}
      </button>
    </form>
  );
}
