import type { ComponentChildren, TargetedSubmitEvent } from 'preact';
import { Field } from './Field';

interface CreateFormProps {
  /** The name field's id and test id. */
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  onSubmit: (e: TargetedSubmitEvent<HTMLFormElement>) => void;
  hint?: string;
  /** What follows the name: more fields, messages, the submit button. */
  children: ComponentChildren;
}

/** "Create a … named …": the form below a list of care teams or cohorts. */
export function CreateForm({ id, label, value, onInput, onSubmit, hint, children }: CreateFormProps) {
  return (
    <form onSubmit={onSubmit} class="create-form">
      <Field
        id={id}
        label={label}
        type="text"
        value={value}
        onInput={onInput}
        autoComplete="off"
        autoCapitalize="off"
        maxLength={100}
        {...(hint ? { hint } : {})}
        testId={id}
      />
      {children}
    </form>
  );
}
