import type { TargetedEvent } from 'preact';

interface FieldProps {
  id: string;
  label: string;
  type: 'text' | 'email' | 'password';
  value: string;
  onInput: (value: string) => void;
  autoComplete: string;
  testId: string;
  hint?: string;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  /** For codes: 'numeric' brings up the number pad on phones. */
  inputMode?: 'numeric' | 'text';
  pattern?: string;
  /** Overrides the default (words for text, off otherwise). */
  autoCapitalize?: 'off' | 'words' | 'characters';
  readOnly?: boolean;
}

export function Field(props: FieldProps) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  const onInput = (e: TargetedEvent<HTMLInputElement>) => props.onInput(e.currentTarget.value);
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        // Preact's input typings narrow `role` per `type`; no role is set here, so this is safe.
        type={props.type as 'text'}
        value={props.value}
        onInput={onInput}
        autoComplete={props.autoComplete}
        required={props.required ?? true}
        minLength={props.minLength}
        maxLength={props.maxLength}
        aria-describedby={hintId}
        spellcheck={false}
        autoCapitalize={props.autoCapitalize ?? (props.type === 'text' ? 'words' : 'off')}
        inputMode={props.inputMode}
        pattern={props.pattern}
        readOnly={props.readOnly}
        data-testid={props.testId}
      />
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

interface SelectFieldProps {
  id: string;
  label: string;
  value: string;
  options: { id: string; label: string }[];
  onChange: (value: string) => void;
  testId: string;
  name?: string;
}

/** A labelled select. */
export function SelectField({ id, label, value, options, onChange, testId, name }: SelectFieldProps) {
  const onSelect = (e: TargetedEvent<HTMLSelectElement>) => onChange(e.currentTarget.value);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value} onChange={onSelect} data-testid={testId}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

interface PasswordFieldProps {
  /** The input's id and test id. */
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  /** A new password: the server's minimum length for this account, said in the hint. */
  min?: number;
  /** The current password, asked again before a change to how the person signs in. */
  reauth?: boolean;
}

/** A password: the account's current one, or with `min` a new one. */
export function PasswordField({ id, label, value, onInput, min, reauth = false }: PasswordFieldProps) {
  const hint =
    min !== undefined
      ? `Use at least ${min} characters. A few unrelated words make a strong, memorable password.`
      : reauth
        ? 'We ask again before changing how you sign in.'
        : '';
  return (
    <Field
      id={id}
      label={label}
      type="password"
      value={value}
      onInput={onInput}
      autoComplete={min === undefined ? 'current-password' : 'new-password'}
      testId={id}
      {...(hint ? { hint } : {})}
      {...(min === undefined ? {} : { minLength: min })}
      maxLength={128}
    />
  );
}
