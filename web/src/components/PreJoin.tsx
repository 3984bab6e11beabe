// The pre-join step (docs/SESSIONS.md "Before joining"): the device test for everyone and,
// for patients, the privacy checklist and the safety check (where they are, an emergency
// contact: sent to the server on Join, before the call starts); Join hands the choices to
// the call. Shown only once
// the room check passed (CallEntry.tsx), so the camera is only asked for by people who may
// enter the room.
import { useEffect, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import type { User } from '../api';
import { ApiError, NETWORK_MESSAGE } from '../api';
import { confirmSafety, getSavedContact } from '../api-safety';
import type { MediaChoices } from '../call/media';
import { stopTracks } from '../call/media';
import { deviceOf, usePreview } from '../prejoin/devices';
import { PreJoinChecklist, PRIVACY_ITEMS } from './PreJoinChecklist';
import { PreJoinDevices } from './PreJoinDevices';
import type { DeviceChoices } from './PreJoinDevices';
import { NO_ANSWERS, PreJoinSafety, safetyComplete } from './PreJoinSafety';
import type { SafetyAnswers } from './PreJoinSafety';
import { ErrorMessage } from './ErrorMessage';

interface PreJoinProps {
  user: User;
  roomId: string;
  /** Called with the person's choices when they join. */
  onJoin: (choices: MediaChoices) => void;
  /** Set to a function that stops the preview at once (quick exit). */
  stopRef: RefObject<() => void>;
}

const START: DeviceChoices = { cameraId: '', microphoneId: '', speakerId: '', noiseSuppression: true };

export function PreJoin({ user, roomId, onJoin, stopRef }: PreJoinProps) {
  const [choices, setChoices] = useState<DeviceChoices>(START);
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  const [safety, setSafety] = useState<SafetyAnswers>(NO_ANSWERS);
  const [remembered, setRemembered] = useState(false);
  const [saving, setSaving] = useState(false);
  const [joinError, setJoinError] = useState('');
  const preview = usePreview(
    { cameraId: choices.cameraId, microphoneId: choices.microphoneId, noiseSuppression: choices.noiseSuppression },
    true,
  );
  // Read by the quick exit, which must not wait for a render.
  useEffect(() => {
    stopRef.current = () => stopTracks(preview.stream);
  }, [preview.stream]);

  // Guests are in the same place as patients: the privacy checklist and safety check are
  // theirs too. The therapist (the host) is asked neither.
  const patient = user.role === 'patient' || user.role === 'guest';
  const allTicked = PRIVACY_ITEMS.every((i) => ticked.has(i.id));
  const safe = safetyComplete(safety);
  const ready = !patient || (allTicked && safe);

  // The emergency contact from last time, unless the person has started typing one.
  useEffect(() => {
    if (!patient) return undefined;
    let live = true;
    getSavedContact()
      .then((saved) => {
        if (!live || !saved) return;
        // Preact runs the updater at once, so `applied` is known on the next line.
        let applied = false;
        setSafety((prev) => {
          if (prev.contactName || prev.contactPhone) return prev;
          applied = true;
          return { ...prev, contactName: saved.name, contactPhone: saved.phone };
        });
        setRemembered(applied);
      })
      .catch(() => undefined); // nothing to prefill: the person types it
    return () => {
      live = false;
    };
  }, [patient]);

  const onToggle = (id: string, on: boolean) => {
    setTicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  };

  const onChange = (next: Partial<DeviceChoices>) => setChoices((prev) => ({ ...prev, ...next }));

  const join = async () => {
    if (!ready || saving) return;
    if (patient) {
      // Stored before the call starts, so the therapist sees it as soon as this person waits.
      setSaving(true);
      setJoinError('');
      try {
        await confirmSafety(roomId, {
          location: safety.location.trim(),
          contact_name: safety.contactName.trim(),
          contact_phone: safety.contactPhone.trim(),
        });
      } catch (e) {
        // Someone who may not enter any more (removed by the host, the room ended) gets the
        // call page's own refusal, in its words: the call asks the server again.
        const refused = e instanceof ApiError && (e.code === 'removed_from_call' || e.code === 'not_found');
        if (!refused) {
          setSaving(false);
          setJoinError(e instanceof ApiError ? e.message : NETWORK_MESSAGE);
          return;
        }
      }
    }
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
        {patient ? <PreJoinSafety answers={safety} onChange={(next) => setSafety((prev) => ({ ...prev, ...next }))} remembered={remembered} /> : null}
      </div>
      <ErrorMessage message={joinError} testId="prejoin-error" />
      <div class="prejoin-join">
        <button
          type="button"
          class="button primary"
          onClick={() => void join()}
          disabled={!ready || saving}
          aria-describedby={ready ? undefined : 'prejoin-join-hint'}
          data-testid="prejoin-join"
        >
          Join the call
        </button>
        {ready ? null : (
          <p class="hint" id="prejoin-join-hint" data-testid="prejoin-join-hint">
            {allTicked
              ? 'Say where you are right now, tick “This is where I am now”, give an emergency contact, and you can join.'
              : 'When each item in the checklist is true for you, tick it and you can join.'}
          </p>
        )}
      </div>
    </div>
  );
}
