// The therapist's guests for one appointment (docs/SESSIONS.md "Guests"): invite someone
// without an account (a partner in couples therapy, an interpreter) with a single-use link
// and a 6-digit code to tell them another way, see who came, and take a link back.
import { useState } from 'preact/hooks';
import { inviteGuest, revokeGuest } from '../api-appointments';
import type { Appointment, Guest, GuestLink, GuestStatus } from '../api-appointments';
import { clock } from '../appointment-time';
import { CopyLink } from './CopyLink';
import { ErrorMessage } from './ErrorMessage';
import { Field } from './Field';
import { useSubmit } from './useSubmit';

const STATUS: Record<GuestStatus, string> = {
  invited: 'link not used yet',
  joined: 'signed in with the link',
  expired: 'link expired',
  revoked: 'link taken back',
};

interface Props {
  appointment: Appointment;
  /** The guest list changed (invited or taken back): the row reloads its appointment. */
  onGuests: (guests: Guest[]) => void;
}

export function GuestInvites({ appointment: a, onGuests }: Props) {
  const [name, setName] = useState('');
  const [made, setMade] = useState<GuestLink | null>(null);
  const { busy, error, run, submit } = useSubmit();
  const prefix = `appt-guest-${a.id}`;

  const onInvite = submit(async () => {
    const link = await inviteGuest(a.id, name.trim());
    setMade(link);
    setName('');
    onGuests([...a.guests, link.guest]);
  });

  const onRevoke = (g: Guest) =>
    void run(async () => {
      const updated = await revokeGuest(g.id);
      onGuests(a.guests.map((x) => (x.id === g.id ? updated : x)));
    });

  return (
    <div class="row-panel" data-testid="appt-guests">
      <h3>Guests without an account</h3>
      {a.guests.length ? (
        <ul class="plain-list" aria-label="Guests">
          {a.guests.map((g) => (
            <li key={g.id} data-testid="appt-guest" data-status={g.status}>
              <strong>{g.display_name}</strong> <span class="muted">· {STATUS[g.status]}</span>{' '}
              {g.status === 'invited' || g.status === 'joined' ? (
                <button type="button" class="button" onClick={() => onRevoke(g)} disabled={busy} aria-label={`Take back the link of ${g.display_name}`} data-testid="appt-guest-revoke">
                  Take back
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {made ? (
        <div class="notice" data-testid="appt-guest-made">
          <CopyLink
            id={`${prefix}-link`}
            label={`Link for ${made.guest.display_name}`}
            link={made.link}
            hint={`Send this link by email or text. It works once, until the session ends at ${clock(made.guest.expires_at)}.`}
            testId="appt-guest-link"
            copyTestId="appt-guest-copy"
          />
          <p>
            Code: <strong class="guest-code" data-testid="appt-guest-code">{made.code}</strong>
          </p>
          <p class="hint">Tell them the code by phone or in person, not in the same message as the link: the link alone does not let anyone in. It is shown only now.</p>
        </div>
      ) : null}
      <form class="inline-form" onSubmit={onInvite} noValidate aria-label="Invite a guest" data-testid="appt-guest-form">
        <Field id={`${prefix}-name`} label="Guest's name, as the others will see it" type="text" value={name} onInput={setName} autoComplete="off" maxLength={100} testId="appt-guest-name" />
        <button type="submit" class="button" disabled={busy || name.trim() === ''} data-testid="appt-guest-invite">
          {busy ? 'Creating…' : 'Create guest link'}
        </button>
      </form>
      <ErrorMessage message={error} testId="appt-guest-error" />
    </div>
  );
}
