import { useEffect, useState } from 'preact/hooks';
import type { TargetedEvent, TargetedSubmitEvent } from 'preact';
import { createInvitation, messageOf } from '../api';
import type { Role } from '../api';
import { Field } from './Field';
import { ErrorMessage } from './ErrorMessage';

const ROLE_LABEL: Record<Role, string> = {
  admin: 'Administrator',
  therapist: 'Therapist',
  staff: 'Staff',
  patient: 'Patient',
};

interface InviteFormProps {
  /** Roles this user may invite; one role hides the select. */
  roles: Role[];
  heading: string;
  intro: string;
}

/** "Invite someone": creates a one-time link that the inviter sends out of band. */
export function InviteForm({ roles, heading, intro }: InviteFormProps) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(roles[0] ?? 'patient');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [link, setLink] = useState('');
  const [copied, setCopied] = useState('');

  // Move focus to the new link so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (link) document.getElementById('invite-link')?.focus();
  }, [link]);

  const onSubmit = async (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    setCopied('');
    try {
      const inv = await createInvitation(role, name.trim());
      setLink(inv.link);
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
      const input = document.getElementById('invite-link') as HTMLInputElement | null;
      input?.select();
      setCopied('Select the link and copy it.');
    }
  };

  const onAnother = () => {
    setLink('');
    setName('');
    setCopied('');
    setError('');
    window.setTimeout(() => document.getElementById('invite-name')?.focus(), 0);
  };

  const onRole = (e: TargetedEvent<HTMLSelectElement>) => setRole(e.currentTarget.value as Role);
  const selectFocus = (e: TargetedEvent<HTMLInputElement>) => e.currentTarget.select();

  return (
    <section class="card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">{heading}</h2>
      {link ? (
        <div data-testid="invite-result">
          <div class="field">
            <label for="invite-link">Invitation link</label>
            <div class="copy-row">
              <input
                id="invite-link"
                type="text"
                readOnly
                value={link}
                onFocus={selectFocus}
                aria-describedby="invite-link-hint"
                spellcheck={false}
                data-testid="invite-link"
              />
              <button type="button" class="button" onClick={onCopy} data-testid="invite-copy">
                Copy
              </button>
            </div>
            <p class="hint" id="invite-link-hint">
              Send this link to them privately. It works once and expires in 72 hours.
            </p>
          </div>
          <p class="status-text" role="status" aria-live="polite">
            {copied}
          </p>
          <button type="button" class="button" onClick={onAnother} data-testid="invite-another">
            Invite someone else
          </button>
        </div>
      ) : (
        <form onSubmit={onSubmit}>
          <p>{intro}</p>
          <Field
            id="invite-name"
            label="Their name"
            type="text"
            value={name}
            onInput={setName}
            autoComplete="off"
            testId="invite-name"
            hint="As they should see it when they sign in."
            maxLength={100}
          />
          {roles.length > 1 ? (
            <div class="field">
              <label for="invite-role">Role</label>
              <select id="invite-role" name="invite-role" value={role} onChange={onRole} data-testid="invite-role">
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABEL[r]}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <ErrorMessage message={error} testId="invite-error" />
          <button type="submit" class="button primary" disabled={busy} data-testid="invite-submit">
            {busy ? 'Creating link…' : 'Create invitation link'}
          </button>
        </form>
      )}
    </section>
  );
}
