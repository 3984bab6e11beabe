import type { TargetedSubmitEvent } from 'preact';
import { createRoom, MAX_ROOM_PARTICIPANTS } from '../api-rooms';
import type { Room } from '../api-rooms';
import { ErrorMessage, StatusMessage } from './ErrorMessage';
import { SubmitButton } from './SubmitButton';
import { usePatientChoice } from './usePatientChoice';
import { useSubmit } from './useSubmit';

interface RoomCreateFormProps {
  onCreated: (room: Room) => void;
  /** Called when the server says two-step verification must be set up first. */
  onMfaRequired: () => void;
}

/**
 * Therapist: open a video room for some of their patients (the patients of their care
 * teams, GET /api/patients). Only the people chosen here can join it.
 */
export function RoomCreateForm({ onCreated, onMfaRequired }: RoomCreateFormProps) {
  const { patients, loadError, chosen, toggle, clear } = usePatientChoice(onMfaRequired);
  const { busy, error, status, setError, setStatus, run } = useSubmit();

  const onSubmit = (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    if (chosen.size === 0) {
      setStatus('');
      setError('Choose at least one person to invite.');
      return;
    }
    void run(async () => {
      const room = await createRoom([...chosen]);
      onCreated(room);
      clear();
      setStatus('Video room created. Use “Join” to start the call.');
    });
  };

  if (patients === null) {
    return loadError ? <ErrorMessage message={loadError} testId="room-create-error" /> : null;
  }
  if (patients.length === 0) {
    return (
      <p class="muted" data-testid="room-create-none">
        To open a video room, you need patients in your care teams.
      </p>
    );
  }

  const full = chosen.size >= MAX_ROOM_PARTICIPANTS;

  return (
    <form class="create-form" onSubmit={onSubmit} noValidate data-testid="room-create">
      <fieldset class="checkbox-list" aria-describedby="room-create-hint">
        <legend>Open a new video room for</legend>
        <p class="hint" id="room-create-hint">
          Up to {MAX_ROOM_PARTICIPANTS} people. Only the people you choose can join.
        </p>
        {patients.map((p) => {
          const id = `room-invite-${p.id}`;
          const checked = chosen.has(p.id);
          return (
            <div class="checkbox" key={p.id}>
              <input
                type="checkbox"
                id={id}
                checked={checked}
                disabled={busy || (full && !checked)}
                onChange={(e) => toggle(p.id, e.currentTarget.checked)}
                data-testid="room-invite"
                data-user-id={p.id}
              />
              <label for={id}>{p.display_name}</label>
            </div>
          );
        })}
      </fieldset>
      <ErrorMessage message={error} testId="room-create-error" />
      <StatusMessage message={status} testId="room-create-status" />
      <SubmitButton busy={busy} busyText="Creating…" testId="room-create-submit" class="button">
        Create video room
      </SubmitButton>
    </form>
  );
}
