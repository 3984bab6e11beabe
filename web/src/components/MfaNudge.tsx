/** Shown to roles that must use two-step verification until they have set it up. */
export function MfaNudge() {
  return (
    <div class="notice nudge" role="status" data-testid="mfa-nudge">
      <p>Set up two-step verification to see patient information.</p>
      <a class="button primary" href="/account">
        Set up two-step verification
      </a>
    </div>
  );
}
