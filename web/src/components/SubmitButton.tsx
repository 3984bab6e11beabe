import type { ComponentChildren } from 'preact';

interface SubmitButtonProps {
  busy: boolean;
  /** Shown instead of the label while the request runs. */
  busyText: string;
  testId: string;
  /** `button primary` unless given. */
  class?: string;
  children: ComponentChildren;
}

/** A form's submit button: disabled, with `busyText`, while its request runs. */
export function SubmitButton({ busy, busyText, testId, class: cls = 'button primary', children }: SubmitButtonProps) {
  return (
    <button type="submit" class={cls} disabled={busy} data-testid={testId}>
      {busy ? busyText : children}
    </button>
  );
}
