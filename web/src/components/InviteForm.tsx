import { useState } from 'preact/hooks';
import { createInvitation } from '../api';
import type { Role } from '../api';
import { Field, SelectField } from './Field';
import { ErrorMessage } from './ErrorMessage';
import { CopyLink } from './CopyLink';
import { SubmitButton } from './SubmitButton';
import { useSubmit } from './useSubmit';
import { roleOptions } from './roles';

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
  const [link, setLink] = useState('');
  const { busy, error, setError, submit } = useSubmit();

  const onSubmit = submit(async () => {
    const inv = await createInvitation(role, name.trim());
    setLink(inv.link);
  });

  const onAnother = () => {
    setLink('');
    setName('');
    setError('');
    window.setTimeout(() => document.getElementById('invite-name')?.focus(), 0);
  };

  return (
    <section class="card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">{heading}</h2>
      {link ? (
        <div data-testid="invite-result">
          <CopyLink
            id="invite-link"
            label="Invitation link"
            link={link}
            testId="invite-link"
            copyTestId="invite-copy"
            hint="Send this link to them privately. It works once and expires in 72 hours."
          />
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
            <SelectField
              id="invite-role"
              name="invite-role"
              label="Role"
              value={role}
              options={roleOptions(roles)}
              onChange={(r) => setRole(r as Role)}
              testId="invite-role"
            />
          ) : null}
          <ErrorMessage message={error} testId="invite-error" />
          <SubmitButton busy={busy} busyText="Creating link…" testId="invite-submit">
            Create invitation link
          </SubmitButton>
        </form>
      )}
    </section>
  );
}
