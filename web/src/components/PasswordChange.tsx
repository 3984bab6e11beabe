import { useState } from 'preact/hooks';
import { messageOf } from '../api';
import { changePassword, minPasswordLength } from '../api-account';
import { PasswordField } from './Field';
import { ErrorMessage, StatusMessage } from './ErrorMessage';
import { SubmitButton } from './SubmitButton';
import { useSubmit } from './useSubmit';

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
  const { busy, error, status, setStatus, submit } = useSubmit();

  const onSubmit = submit(
    async () => {
      await changePassword(current, fresh);
      setCurrent('');
      setFresh('');
      setStatus('Your password is changed. Every other device was signed out.');
      onChanged();
    },
    // The server's own words, e.g. which rule a guessable password broke.
    (err) => {
      setCurrent('');
      document.getElementById('password-current')?.focus();
      return messageOf(err);
    },
  );

  return (
    <form class="card" onSubmit={onSubmit} aria-labelledby="password-heading" data-testid="password-change">
      <h2 id="password-heading">Change your password</h2>
      <PasswordField id="password-current" label="Current password" value={current} onInput={setCurrent} />
      <PasswordField id="password-new" label="New password" value={fresh} onInput={setFresh} min={min} />
      <ErrorMessage message={error} testId="password-error" />
      <StatusMessage message={status} testId="password-status" />
      <SubmitButton busy={busy} busyText="Changing…" testId="password-submit">
        Change password
      </SubmitButton>
    </form>
  );
}
