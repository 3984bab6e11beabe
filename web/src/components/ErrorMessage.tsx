interface ErrorMessageProps {
  message: string;
  testId?: string;
}

/** Always rendered so screen readers pick up changes to the live region. */
export function ErrorMessage({ message, testId = 'error' }: ErrorMessageProps) {
  return (
    <div class={message ? 'error' : 'error error-empty'} role="alert" aria-live="assertive" data-testid={testId}>
      {message}
    </div>
  );
}

/** What just happened (e.g. "Care team created."), in a polite live region; always rendered too. */
export function StatusMessage({ message, testId }: { message: string; testId?: string }) {
  return (
    <p class="status-text" role="status" aria-live="polite" data-testid={testId}>
      {message}
    </p>
  );
}
