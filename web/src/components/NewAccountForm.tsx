import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { roleHome } from '../api';
import type { User } from '../api';
import { navigate } from '../router';
import { Field, PasswordField } from './Field';
import { ErrorMessage } from './ErrorMessage';
import { SubmitButton } from './SubmitButton';
import { useSubmit } from './useSubmit';
import type { Failure } from './useSubmit';

interface NewAccountFormProps {
  /** Prefix of ids and test ids: `${prefix}-email`, `${prefix}-password`, `${prefix}-submit`. */
  prefix: string;
  /** Creates the account from the trimmed email and the password; then the person's page opens. */
  create: (email: string, password: string) => Promise<User>;
  failure: Failure;
  /** Fields before the email, e.g. the name. */
  children?: ComponentChildren;
}

/** The form of every page that creates an account: email, new password, "Create account". */
export function NewAccountForm({ prefix, create, failure, children }: NewAccountFormProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit();

  const onSubmit = submit(async () => {
    const user = await create(email.trim(), password);
    navigate(roleHome(user.role), { replace: true });
  }, failure);

  return (
    <form class="card" onSubmit={onSubmit}>
      {children}
      <Field
        id={`${prefix}-email`}
        label="Email"
        type="email"
        value={email}
        onInput={setEmail}
        autoComplete="email"
        testId={`${prefix}-email`}
        maxLength={254}
      />
      <PasswordField id={`${prefix}-password`} label="Password" value={password} onInput={setPassword} min={15} />
      <ErrorMessage message={error} />
      <SubmitButton busy={busy} busyText="Creating account…" testId={`${prefix}-submit`}>
        Create account
      </SubmitButton>
    </form>
  );
}
