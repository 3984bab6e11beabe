import { useState } from 'preact/hooks';
import { changeEmail } from '../api-account';
import { Field, PasswordField } from './Field';
import { ErrorMessage, StatusMessage } from './ErrorMessage';
import { SubmitButton } from './SubmitButton';
import { clearing, useSubmit } from './useSubmit';

interface EmailChangeProps {
  email: string;
}

/** Change the sign-in email: the current password, then the new address. */
export function EmailChange({ email }: EmailChangeProps) {
  const [shown, setShown] = useState(email);
  const [password, setPassword] = useState('');
  const [fresh, setFresh] = useState('');
  const { busy, error, status, setStatus, submit } = useSubmit();

  const onSubmit = submit(
    async () => {
      const user = await changeEmail(password, fresh.trim());
      setShown(user.email);
      setPassword('');
      setFresh('');
      setStatus('Your email is changed. Use the new address the next time you sign in.');
    },
    clearing(setPassword),
  );

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
      <PasswordField id="email-password" label="Your password" value={password} onInput={setPassword} reauth />
      <ErrorMessage message={error} testId="email-error" />
      <StatusMessage message={status} testId="email-status" />
      <SubmitButton busy={busy} busyText="Changing…" testId="email-submit">
        Change email
      </SubmitButton>
    </form>
  );
}
