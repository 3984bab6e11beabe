// Where to go when a call cannot be entered: the Security page when two-step verification
// is missing, otherwise back home. Shared by the pre-join step and the call page.
export function CallRefusalLink({ code, home }: { code: string; home: string }) {
  return (
    <p>
      {code === 'mfa_required' ? (
        <a class="button" href="/account" data-testid="call-security">
          Open the Security page
        </a>
      ) : (
        <a class="button" href={home} data-testid="call-home">
          Back to your home page
        </a>
      )}
    </p>
  );
}
