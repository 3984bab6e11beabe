// The pre-join preview: the camera and microphone captured with the person's choices, and
// the lists of cameras, microphones and speakers to choose from. Nothing here is sent to
// the server or logged; the choices go to the call (media.ts localMedia) and no further.
import { useEffect, useState } from 'preact/hooks';
import { localMedia, stopTracks } from '../call/media';
import type { MediaChoices } from '../call/media';

export interface DeviceOption {
  id: string;
  label: string;
}

export interface DeviceLists {
  cameras: DeviceOption[];
  microphones: DeviceOption[];
  speakers: DeviceOption[];
}

const EMPTY: DeviceLists = { cameras: [], microphones: [], speakers: [] };

/**
 * The devices the browser reports. Browsers give labels (and often ids) only once the
 * page may use the camera or microphone; before that a device is "Camera 1" and so on.
 */
export async function listDevices(): Promise<DeviceLists> {
  const media = navigator.mediaDevices;
  if (typeof media?.enumerateDevices !== 'function') return EMPTY;
  let all: MediaDeviceInfo[];
  try {
    all = await media.enumerateDevices();
  } catch {
    return EMPTY;
  }
  const of = (kind: MediaDeviceKind, noun: string): DeviceOption[] => {
    const seen = new Set<string>();
    const out: DeviceOption[] = [];
    for (const d of all) {
      // No id (no permission yet) or a repeat: nothing a choice could name.
      if (d.kind !== kind || !d.deviceId || seen.has(d.deviceId)) continue;
      seen.add(d.deviceId);
      out.push({ id: d.deviceId, label: d.label || `${noun} ${out.length + 1}` });
    }
    return out;
  };
  return { cameras: of('videoinput', 'Camera'), microphones: of('audioinput', 'Microphone'), speakers: of('audiooutput', 'Speaker') };
}

/** The device id a track of `stream` was captured from ('' without such a track). */
export function deviceOf(stream: MediaStream | null, kind: 'audio' | 'video'): string {
  const track = kind === 'audio' ? stream?.getAudioTracks()[0] : stream?.getVideoTracks()[0];
  return track?.getSettings().deviceId ?? '';
}

export interface Preview {
  /** The live preview (null while starting, after a failure, or when stopped). */
  stream: MediaStream | null;
  /** Why the camera or microphone could not be started; null if both run. */
  error: unknown;
  starting: boolean;
  devices: DeviceLists;
  /** Asks again (after the person allowed the camera in site settings, say). */
  retry: () => void;
}

/**
 * Captures with `choices` while `enabled`, again whenever they change, and stops the
 * tracks when the choices change, the preview is disabled or the component goes. The
 * call captures anew with the same choices (CallEntry.tsx says why).
 */
export function usePreview(choices: MediaChoices, enabled: boolean): Preview {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const [devices, setDevices] = useState<DeviceLists>(EMPTY);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!enabled) return undefined;
    let live = true;
    let mine: MediaStream | null = null;
    setStarting(true);
    void (async () => {
      const media = await localMedia(choices);
      if (!live) {
        stopTracks(media.stream);
        return;
      }
      mine = media.stream;
      setStream(media.stream);
      setError(media.error);
      setStarting(false);
      // Labels come with permission: list again now.
      const lists = await listDevices();
      if (live) setDevices(lists);
    })();
    return () => {
      live = false;
      stopTracks(mine);
      setStream(null);
    };
  }, [enabled, choices.cameraId, choices.microphoneId, choices.noiseSuppression, attempt]);

  // A headset plugged in or a camera unplugged while the page is open.
  useEffect(() => {
    const media = navigator.mediaDevices;
    if (!enabled || typeof media?.addEventListener !== 'function') return undefined;
    let live = true;
    const onChange = () => {
      void listDevices().then((lists) => live && setDevices(lists));
    };
    media.addEventListener('devicechange', onChange);
    return () => {
      live = false;
      media.removeEventListener('devicechange', onChange);
    };
  }, [enabled]);

  return { stream, error, starting, devices, retry: () => setAttempt((n) => n + 1) };
}
