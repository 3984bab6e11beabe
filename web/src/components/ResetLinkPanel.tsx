import { useEffect, useState } from 'preact/hooks';
import type { TargetedEvent } from 'preact';
import { messageOf } from '../api';
import type { ManagedUser } from '../api';
import { createResetLink } from '../api-admin';
import { ErrorMessage } from './ErrorMessage';

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [copied, setCopied] = useState('');
  const inputId = `reset-link-${user.id}`;

  useEffect(() => {
    if (link) document.getElementById(inputId)?.focus();
  }, [link, inputId]);

  const onCreate = async () => {
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      const r = await createResetLink(user.id);
      setLink(r.link);
      onIssued('Password reset link created. They were signed out.');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('Link copied.');
    } catch {
      (document.getElementById(inputId) as HTMLInputElement | null)?.select();
      setCopied('Select the link and copy it.');
    }
  };

  const selectFocus = (e: TargetedEvent<HTMLInputElement>) => e.currentTarget.select();

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
      <div class="field">
        <label for={inputId}>Password reset link</label>
        <div class="copy-row">
          <input
            id={inputId}
            type="text"
            readOnly
            value={link}
            onFocus={selectFocus}
            aria-describedby={`${inputId}-hint`}
            spellcheck={false}
            data-testid="reset-link"
          />
          <button type="button" class="button" onClick={onCopy} data-testid="reset-link-copy">
            Copy
          </button>
        </div>
        <p class="hint" id={`${inputId}-hint`}>
          This link is shown only now. Send it to them privately, outside Haven (for example by text message or in
          person). It works once and expires in 24 hours.
          {user.mfa ? ' Their two-step verification stays on: they still need it to sign in.' : ''}
        </p>
      </div>
      <p class="status-text" role="status" aria-live="polite">
        {copied}
      </p>
      <button type="button" class="button" onClick={onClose} data-testid="reset-link-done">
        Done
      </button>
    </div>
  );
}
