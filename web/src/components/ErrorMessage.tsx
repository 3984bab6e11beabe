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
