import { useEffect, useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { cancelAppointment, icsPath, joinAppointment, joinState, KIND_LABELS, rescheduleAppointment } from '../api-appointments';
import type { Appointment } from '../api-appointments';
import { clock, dayLabel, timeRange } from '../appointment-time';
import { callPath } from '../api-rooms';
import { navigate } from '../router';
import { draftOf, whenOf, WhenFields } from './AppointmentWhen';
import type { WhenDraft } from './AppointmentWhen';
import { ErrorMessage } from './ErrorMessage';
import { GuestInvites } from './GuestInvites';
import { useSubmit } from './useSubmit';

interface AppointmentRowProps {
  appointment: Appointment;
  /** Unix seconds, ticking every 30 s: when Join opens and closes. */
  now: number;
  /** The therapist who scheduled it: may reschedule and cancel; sees every name. */
  owner: boolean;
  /** The server's new version after a change, and what to say about it. */
  onChanged: (updated: Appointment, message: string) => void;
}

type Panel = '' | 'reschedule' | 'cancel' | 'guests';

/** Who is in it: the patients' names for the therapist, the therapist's name for a patient. */
function withWhom(a: Appointment, owner: boolean): string {
  if (!owner) return a.owner_name ? `With ${a.owner_name}` : 'With your therapist';
  const names = a.participants.map((p) => p.display_name).filter(Boolean);
  if (names.length) return names.join(', ');
  const n = a.participant_ids.length;
  return n === 1 ? '1 person' : `${n} people`;
}

/**
 * One appointment: when, what kind, with whom; Join while it is open, Add to calendar, and
 * for its therapist Reschedule (inline form) and Cancel (asks inline first).
 */
export function AppointmentRow({ appointment: a, now, owner, onChanged }: AppointmentRowProps) {
  const [panel, setPanel] = useState<Panel>('');
  const [draft, setDraft] = useState<WhenDraft>(() => draftOf(a.starts_at, a.duration_minutes));
  const { busy, error, setError, run } = useSubmit();
  const state = joinState(a, now);
  const cancelled = a.status === 'cancelled';
  const infoId = `appt-info-${a.id}`;
  const changeable = owner && !cancelled && state !== 'over';

  // The panel's first control takes focus when it opens (keyboard users land in it).
  useEffect(() => {
    if (panel === 'reschedule') document.getElementById(`appt-move-${a.id}-date`)?.focus();
    if (panel === 'cancel') document.getElementById(`appt-cancel-yes-${a.id}`)?.focus();
  }, [panel]);

  const open = (which: Panel) => {
    setError('');
    if (which === 'reschedule') setDraft(draftOf(a.starts_at, a.duration_minutes));
    setPanel(which);
  };

  /** Closes a panel without a change; focus goes back to the button that opened it. */
  const close = (from: Panel) => {
    setPanel('');
    setError('');
    window.setTimeout(() => document.getElementById(`appt-${from}-${a.id}`)?.focus(), 0);
  };

  const onJoin = () =>
    void run(async () => {
      const room = await joinAppointment(a.id);
      navigate(callPath(room));
    });

  const onMove = (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const body = whenOf(draft, Date.now());
    if (typeof body === 'string') {
      setError(body);
      return;
    }
    void run(async () => {
      const moved = await rescheduleAppointment(a.id, body);
      setPanel('');
      onChanged(moved, `Session moved to ${dayLabel(moved.starts_at, Date.now() / 1000).toLowerCase()} at ${clock(moved.starts_at)}.`);
    });
  };

  const onCancel = () =>
    void run(async () => {
      const done = await cancelAppointment(a.id);
      setPanel('');
      onChanged(done, 'Session cancelled. Everyone invited sees it as cancelled.');
    });

  return (
    <li class="room-item appt-item" data-testid="appt-item" data-appointment-id={a.id} data-status={a.status}>
      <p class="room-info" id={infoId}>
        <strong data-testid="appt-when">{timeRange(a, now)}</strong>
        <span data-testid="appt-who">
          <span class="muted">{KIND_LABELS[a.kind]} · </span>
          {withWhom(a, owner)}
        </span>
        {cancelled ? (
          <span class="badges">
            <span class="badge badge-warn" data-testid="appt-cancelled">
              Cancelled
            </span>
          </span>
        ) : null}
      </p>
      <div class="room-actions">
        {state === 'open' ? (
          <button type="button" class="button primary room-join" onClick={onJoin} disabled={busy} aria-describedby={infoId} data-testid="appt-join">
            {busy && panel === '' ? 'Joining…' : 'Join'}
          </button>
        ) : null}
        {state === 'early' ? (
          <span class="appt-opens muted" data-testid="appt-opens">
            Opens at {clock(a.join_opens_at)}
          </span>
        ) : null}
        {state === 'over' ? (
          <span class="appt-opens muted" data-testid="appt-ended">
            Ended
          </span>
        ) : null}
        {changeable && panel !== 'reschedule' ? (
          <button type="button" id={`appt-reschedule-${a.id}`} class="button" onClick={() => open('reschedule')} disabled={busy} aria-describedby={infoId} data-testid="appt-reschedule">
            Reschedule
          </button>
        ) : null}
        {changeable && panel !== 'cancel' ? (
          <button type="button" id={`appt-cancel-${a.id}`} class="button" onClick={() => open('cancel')} disabled={busy} aria-describedby={infoId} data-testid="appt-cancel">
            Cancel session
          </button>
        ) : null}
        {changeable && panel !== 'guests' ? (
          <button type="button" id={`appt-guests-${a.id}`} class="button" onClick={() => open('guests')} disabled={busy} aria-describedby={infoId} data-testid="appt-guests-open">
            {a.guests.length ? `Guests (${a.guests.length})` : 'Invite a guest'}
          </button>
        ) : null}
        {cancelled || state === 'over' ? null : (
          // A plain download link: the file has no names, and the router leaves download links alone.
          <a class="button" href={icsPath(a.id)} download="haven-session.ics" aria-describedby={infoId} data-testid="appt-ics">
            Add to calendar
          </a>
        )}
      </div>
      {changeable && panel === 'reschedule' ? (
        <form class="row-panel" onSubmit={onMove} noValidate aria-label="Reschedule this session" data-testid="appt-reschedule-form">
          <WhenFields idPrefix={`appt-move-${a.id}`} testPrefix="appt-reschedule" value={draft} onChange={setDraft} disabled={busy} />
          <div class="dialog-actions">
            <button type="submit" class="button button-strong" disabled={busy} data-testid="appt-reschedule-save">
              {busy ? 'Saving…' : 'Save new time'}
            </button>
            <button type="button" class="button" onClick={() => close('reschedule')} disabled={busy} data-testid="appt-reschedule-back">
              Keep the old time
            </button>
          </div>
        </form>
      ) : null}
      {changeable && panel === 'cancel' ? (
        <div class="row-panel confirm" role="group" aria-labelledby={`appt-cancel-q-${a.id}`} data-testid="appt-cancel-confirm">
          <p id={`appt-cancel-q-${a.id}`} class="notice">
            Cancel this session? Everyone invited sees it as cancelled, and nobody can join it.
          </p>
          <div class="dialog-actions">
            <button type="button" id={`appt-cancel-yes-${a.id}`} class="button danger" onClick={onCancel} disabled={busy} aria-describedby={infoId} data-testid="appt-cancel-yes">
              {busy ? 'Cancelling…' : 'Cancel the session'}
            </button>
            <button type="button" class="button" onClick={() => close('cancel')} disabled={busy} data-testid="appt-cancel-back">
              Keep it
            </button>
          </div>
        </div>
      ) : null}
      {changeable && panel === 'guests' ? (
        <>
          <GuestInvites appointment={a} onGuests={(guests) => onChanged({ ...a, guests }, '')} />
          <button type="button" class="button" onClick={() => close('guests')} data-testid="appt-guests-close">
            Done with guests
          </button>
        </>
      ) : null}
      <ErrorMessage message={error} testId="appt-row-error" />
    </li>
  );
}
