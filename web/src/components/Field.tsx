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
