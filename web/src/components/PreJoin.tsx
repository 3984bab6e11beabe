// The pre-join step (docs/SESSIONS.md "Before joining"): the device test for everyone and,
// for patients, the privacy checklist; Join hands the choices to the call. Shown only once
// the room check passed (CallEntry.tsx), so the camera is only asked for by people who may
// enter the room.
import { useEffect, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import type { User } from '../api';
import type { MediaChoices } from '../call/media';
import { stopTracks } from '../call/media';
import { deviceOf, usePreview } from '../prejoin/devices';
import { PreJoinChecklist, PRIVACY_ITEMS } from './PreJoinChecklist';
import { PreJoinDevices } from './PreJoinDevices';
import type { DeviceChoices } from './PreJoinDevices';

interface PreJoinProps {
  user: User;
  /** Called with the person's choices when they join. */
  onJoin: (choices: MediaChoices) => void;
  /** Set to a function that stops the preview at once (quick exit). */
  stopRef: RefObject<() => void>;
}

const START: DeviceChoices = { cameraId: '', microphoneId: '', speakerId: '', noiseSuppression: true };

export function PreJoin({ user, onJoin, stopRef }: PreJoinProps) {
  const [choices, setChoices] = useState<DeviceChoices>(START);
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  const preview = usePreview(
    { cameraId: choices.cameraId, microphoneId: choices.microphoneId, noiseSuppression: choices.noiseSuppression },
    true,
  );
  // Read by the quick exit, which must not wait for a render.
  useEffect(() => {
    stopRef.current = () => stopTracks(preview.stream);
  }, [preview.stream]);

  // Guests are in the same place as patients: the privacy checklist is theirs too.
  const patient = user.role === 'patient' || user.role === 'guest';
  const allTicked = PRIVACY_ITEMS.every((i) => ticked.has(i.id));
  const ready = !patient || allTicked;

  const onToggle = (id: string, on: boolean) => {
    setTicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  };

  const onChange = (next: Partial<DeviceChoices>) => setChoices((prev) => ({ ...prev, ...next }));

  const join = () => {
    if (!ready) return;
    // The devices the preview used, so the call captures the same ones; the preview stops
    // when this component goes, before the call asks for them again (CallEntry.tsx).
    onJoin({
      cameraId: choices.cameraId || deviceOf(preview.stream, 'video'),
      microphoneId: choices.microphoneId || deviceOf(preview.stream, 'audio'),
      noiseSuppression: choices.noiseSuppression,
      speakerId: choices.speakerId,
    });
  };

  return (
    <div class="prejoin" data-testid="prejoin">
      <p class="lead">
        {patient
          ? 'Before you join, check that others will see and hear you well, and take a moment to make your space private.'
          : 'Before you join, check that others will see and hear you well.'}
      </p>
      <div class="prejoin-columns">
        <PreJoinDevices preview={preview} choices={choices} onChange={onChange} />
        {patient ? <PreJoinChecklist ticked={ticked} onToggle={onToggle} /> : null}
      </div>
      <div class="prejoin-join">
        <button
          type="button"
          class="button primary"
          onClick={join}
          disabled={!ready}
          aria-describedby={ready ? undefined : 'prejoin-join-hint'}
          data-testid="prejoin-join"
        >
          Join the call
        </button>
        {ready ? null : (
          <p class="hint" id="prejoin-join-hint" data-testid="prejoin-join-hint">
            When each item in the checklist is true for you, tick it and you can join.
          </p>
        )}
      </div>
    </div>
  );
}
