// What a person sees while the host has not let them in (docs/SESSIONS.md "Waiting room"):
// a calm status naming the therapist and the session's start, a line to the therapist,
// and a way to leave. Nothing of the call runs yet: no camera, no media, no keys.
import { useEffect, useState } from 'preact/hooks';
import { listAppointments } from '../api-appointments';
import { clock } from '../appointment-time';
import type { LobbyLine, WaitingState } from '../call/waiting-room';
import { LobbyLineForm } from './LobbyLineForm';

interface Props {
  roomId: string;
  waiting: WaitingState;
  lines: readonly LobbyLine[];
  onSend: (text: string) => Promise<void>;
  onLeave: () => void;
}

/** The start of the appointment this room belongs to, if any (unix seconds). */
function useSessionStart(roomId: string): number | null {
  const [startsAt, setStartsAt] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    listAppointments()
      .then((list) => {
        const a = list.find((x) => x.room_id === roomId && x.status === 'scheduled');
        if (live && a) setStartsAt(a.starts_at);
      })
      .catch(() => undefined); // the start time is a courtesy; waiting works without it
    return () => {
      live = false;
    };
  }, [roomId]);
  return startsAt;
}

export function WaitingRoom({ roomId, waiting, lines, onSend, onLeave }: Props) {
  const startsAt = useSessionStart(roomId);
  const host = waiting.hostName || 'Your therapist';
  let status: string;
  if (waiting.sentBack) status = `${host} moved you back to the waiting room for a moment. Stay on this page: they will bring you back in.`;
  else if (waiting.hostPresent) status = `${host} knows you are here and will let you in shortly.`;
  else status = `${host} has not joined yet. You will be let in when they arrive.`;

  return (
    <section class="card waiting-room" aria-labelledby="waiting-heading" data-testid="waiting-room">
      <h2 id="waiting-heading">You are in the waiting room</h2>
      <p role="status" data-testid="waiting-status">
        {status}
      </p>
      {startsAt !== null ? <p data-testid="waiting-start">{`Your session starts at ${clock(startsAt)}.`}</p> : null}
      <p class="muted">Your camera and microphone stay off until you are let in. You can keep this page open in the background.</p>
      <LobbyLineForm lines={lines} to={waiting.hostName || 'your therapist'} onSend={onSend} idSuffix="host" />
      <p>
        <button type="button" class="button" onClick={onLeave} data-testid="waiting-leave">
          Leave the waiting room
        </button>
      </p>
    </section>
  );
}
