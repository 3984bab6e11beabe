interface ErrorMessageProps {
  message: string;
}

/** Always rendered so screen readers pick up changes to the live region. */
export function ErrorMessage({ message }: ErrorMessageProps) {
  return (
    <div class={message ? 'error' : 'error error-empty'} role="alert" aria-live="assertive" data-testid="error">
      {message}
    </div>
  );
}
