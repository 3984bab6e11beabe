import { useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { messageOf } from '../api';
import { changePassword, minPasswordLength } from '../api-account';
import { Field } from './Field';
import { ErrorMessage } from './ErrorMessage';

interface PasswordChangeProps {
  /** Whether the account has a second factor: the minimum length depends on it. */
  mfaOn: boolean;
  /** After a change: every other session has ended. */
  onChanged: () => void;
}

/** Change the password: the current one, then the new one. */
export function PasswordChange({ mfaOn, onChanged }: PasswordChangeProps) {
  const min = minPasswordLength(mfaOn);
  const [current, setCurrent] = useState('');
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
      await changePassword(current, fresh);
      setCurrent('');
      setFresh('');
      setStatus('Your password is changed. Every other device was signed out.');
      onChanged();
    } catch (err) {
      // The server's own words, e.g. which rule a guessable password broke.
      setCurrent('');
      setError(messageOf(err));
      document.getElementById('password-current')?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={onSubmit} aria-labelledby="password-heading" data-testid="password-change">
      <h2 id="password-heading">Change your password</h2>
      <Field
        id="password-current"
        label="Current password"
        type="password"
        value={current}
        onInput={setCurrent}
        autoComplete="current-password"
        testId="password-current"
        maxLength={128}
      />
      <Field
        id="password-new"
        label="New password"
        type="password"
        value={fresh}
        onInput={setFresh}
        autoComplete="new-password"
        testId="password-new"
        hint={`Use at least ${min} characters. A few unrelated words make a strong, memorable password.`}
        minLength={min}
        maxLength={128}
      />
      <ErrorMessage message={error} testId="password-error" />
      <p class="status-text" role="status" aria-live="polite" data-testid="password-status">
        {status}
      </p>
      <button type="submit" class="button primary" disabled={busy} data-testid="password-submit">
        {busy ? 'Changing…' : 'Change password'}
      </button>
    </form>
  );
}
