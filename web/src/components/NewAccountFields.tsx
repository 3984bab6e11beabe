import { Field } from './Field';
import { ErrorMessage } from './ErrorMessage';

interface NewAccountFieldsProps {
  /** Prefix of ids and test ids: `${prefix}-email`, `${prefix}-password`. */
  prefix: string;
  email: string;
  onEmail: (value: string) => void;
  password: string;
  onPassword: (value: string) => void;
}

/** Email and new-password fields of every page that creates an account. */
export function NewAccountFields(props: NewAccountFieldsProps) {
  return (
    <>
      <Field
        id={`${props.prefix}-email`}
        label="Email"
        type="email"
        value={props.email}
        onInput={props.onEmail}
        autoComplete="email"
        testId={`${props.prefix}-email`}
        maxLength={254}
      />
      <Field
        id={`${props.prefix}-password`}
        label="Password"
        type="password"
        value={props.password}
        onInput={props.onPassword}
        autoComplete="new-password"
        testId={`${props.prefix}-password`}
        hint="Use at least 15 characters. A few unrelated words make a strong, memorable password."
        minLength={15}
        maxLength={128}
      />
    </>
  );
}

/** What a one-time-link page shows when the server could not be reached. */
export function LinkUnreachable({ error, retry }: { error: string; retry: () => void }) {
  return (
    <div class="card">
      <ErrorMessage message={error} />
      <button type="button" class="button" onClick={retry}>
        Try again
      </button>
    </div>
  );
}
