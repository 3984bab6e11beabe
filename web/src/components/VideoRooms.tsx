import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import { formatTime } from '../api-admin';
import { callPath, endRoom, listRooms } from '../api-rooms';
import type { Room } from '../api-rooms';
import { ErrorMessage, StatusMessage } from './ErrorMessage';
import { RoomCreateForm } from './RoomCreateForm';
import { LoadedList, SectionHead } from './Section';
import { useSubmit } from './useSubmit';

interface VideoRoomsProps {
  /** The signed-in person's id: their own rooms can be ended. */
  selfId: string;
  /** Therapists with two-step verification open rooms. */
  canCreate: boolean;
  onMfaRequired: () => void;
}

/**
 * How many others a room has: for its owner, everyone invited; for someone invited, the
 * owner and the other invitees — the same number (participant_count leaves the owner out).
 */
function withWhom(room: Room): string {
  const n = room.participant_count;
  return n === 1 ? 'With 1 other person' : `With ${n} other people`;
}

/** Every role: the open video rooms one may join; therapists also open and end them. */
export function VideoRooms({ selfId, canCreate, onMfaRequired }: VideoRoomsProps) {
  const [rooms, setRooms] = useState<Room[] | null>(null);
  const [loadError, setLoadError] = useState('');
  const [confirming, setConfirming] = useState('');
  const { busy, error, status, setStatus, run } = useSubmit();

  const load = async () => {
    setLoadError('');
    try {
      setRooms(await listRooms());
    } catch (err) {
      setLoadError(messageOf(err));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  const onEnd = (id: string) =>
    void run(async () => {
      await endRoom(id);
      setConfirming('');
      setRooms((list) => list?.filter((r) => r.id !== id) ?? null);
      setStatus('Video room ended.');
    });

  const none = canCreate
    ? 'No open video rooms. Create one below.'
    : 'No video rooms yet. When your therapist opens one for you, it appears here.';

  return (
    <section class="card" aria-labelledby="rooms-heading" data-testid="video-rooms">
      <SectionHead id="rooms-heading" title="Video rooms" onRefresh={() => void load()} testId="rooms-refresh" />
      <ErrorMessage message={error || loadError} testId="rooms-error" />
      <StatusMessage message={status} testId="rooms-status" />
      <LoadedList items={rooms} loadError={loadError} none={none} noneTestId="rooms-none">
        {(list) => (
          <ul class="room-list">
            {list.map((r) => {
              const when = formatTime(r.created_at);
              const mine = r.owner_id === selfId;
              return (
                <li key={r.id} class="room-item" data-testid="room-item" data-room-id={r.id}>
                  <p class="room-info">
                    <strong>{withWhom(r)}</strong>
                    <span class="muted" data-testid="room-created">
                      Opened {when}
                    </span>
                  </p>
                  <div class="room-actions">
                    <a class="button primary room-join" href={callPath(r.id)} aria-label={`Join the video room opened ${when}`} data-testid="room-join">
                      Join
                    </a>
                    {mine && confirming !== r.id ? (
                      <button type="button" class="button" onClick={() => setConfirming(r.id)} disabled={busy} data-testid="room-end">
                        End room
                      </button>
                    ) : null}
                  </div>
                  {mine && confirming === r.id ? (
                    <div class="row-panel confirm" data-testid="room-end-confirm">
                      <p class="notice">Everyone in the call is disconnected, and nobody can join this room again.</p>
                      <div class="dialog-actions">
                        <button type="button" class="button danger" onClick={() => onEnd(r.id)} disabled={busy} data-testid="room-end-yes">
                          {busy ? 'Ending…' : 'End it for everyone'}
                        </button>
                        <button type="button" class="button" onClick={() => setConfirming('')} disabled={busy} data-testid="room-end-cancel">
                          Keep it open
                        </button>
                      </div>
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </LoadedList>
      {canCreate ? <RoomCreateForm onCreated={(room) => setRooms((list) => [room, ...(list ?? [])])} onMfaRequired={onMfaRequired} /> : null}
    </section>
  );
}
