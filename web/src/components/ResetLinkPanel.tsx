import { useState } from 'preact/hooks';
import type { ManagedUser } from '../api';
import { createResetLink } from '../api-admin';
import { ErrorMessage } from './ErrorMessage';
import { CopyLink } from './CopyLink';
import { useSubmit } from './useSubmit';

interface ResetLinkPanelProps {
  user: ManagedUser;
  onClose: () => void;
  /** The link exists (and the person was signed out). The link itself stays in this panel only. */
  onIssued: (message: string) => void;
}

/**
 * Admin: a one-time password reset link for someone who forgot their password. It is shown
 * once, here, and the admin passes it on privately. Two-step verification stays on.
 */
export function ResetLinkPanel({ user, onClose, onIssued }: ResetLinkPanelProps) {
  const [link, setLink] = useState('');
  const { busy, error, run } = useSubmit();

  const onCreate = () =>
    run(async () => {
      const r = await createResetLink(user.id);
      setLink(r.link);
      onIssued('Password reset link created. They were signed out.');
    });

  if (!link) {
    return (
      <div class="row-panel" data-testid="reset-link-confirm">
        <p>
          Create a one-time link that lets {user.display_name} choose a new password. They will be signed out.
          {user.mfa ? ' Their two-step verification stays on.' : ''}
        </p>
        <ErrorMessage message={error} testId="reset-link-error" />
        <div class="button-row">
          <button type="button" class="button button-strong" disabled={busy} onClick={onCreate} data-testid="reset-link-create">
            {busy ? 'Creating link…' : 'Create link and sign them out'}
          </button>
          <button type="button" class="button" disabled={busy} onClick={onClose} data-testid="reset-link-cancel">
            Cancel
          </button>
        </div>
      </div>
    );
  }

  return (
    <div class="row-panel" data-testid="reset-link-result">
      <CopyLink
        id={`reset-link-${user.id}`}
        label="Password reset link"
        link={link}
        testId="reset-link"
        copyTestId="reset-link-copy"
        hint={
          'This link is shown only now. Send it to them privately, outside Haven (for example by text message or in ' +
          'person). It works once and expires in 24 hours.' +
          (user.mfa ? ' Their two-step verification stays on: they still need it to sign in.' : '')
        }
      />
      <button type="button" class="button" onClick={onClose} data-testid="reset-link-done">
        Done
      </button>
    </div>
  );
}
