// Capturing what we send: camera and microphone (getUserMedia), and the screen
// (getDisplayMedia). Only capture happens here; publisher.ts decides how it is encoded.

const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/**
 * 1280×720 is asked for (ideal, never required) so the camera has room for three simulcast
 * layers (publisher.ts: 1/4, 1/2 and full size). A smaller camera gives what it has, and
 * the browser then sends fewer layers (Chromium drops the ones too small to be useful).
 */
const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24, max: 30 } };

/** Text must stay readable, motion matters little: few frames, full size. */
const SCREEN: MediaTrackConstraints = { frameRate: { ideal: 15, max: 30 } };

export interface LocalMedia {
  stream: MediaStream | null;
  error: unknown;
}

/**
 * What the person chose before joining (the pre-join step, docs/SESSIONS.md "Before
 * joining"). Empty ids mean the browser's default device. Never sent or logged.
 */
export interface MediaChoices {
  cameraId?: string;
  microphoneId?: string;
  /** The browser's own noise suppression; on unless turned off. */
  noiseSuppression?: boolean;
  /** The output for the others' sound (HTMLMediaElement.setSinkId where supported). */
  speakerId?: string;
}

function audioConstraints(choices: MediaChoices): MediaTrackConstraints {
  const audio: MediaTrackConstraints = { ...AUDIO, noiseSuppression: choices.noiseSuppression ?? true };
  if (choices.microphoneId) audio.deviceId = { exact: choices.microphoneId };
  return audio;
}

function videoConstraints(choices: MediaChoices): MediaTrackConstraints {
  return choices.cameraId ? { ...VIDEO, deviceId: { exact: choices.cameraId } } : VIDEO;
}

/**
 * Camera and microphone; without a usable camera, the microphone alone. A chosen device
 * that is gone (unplugged since) falls back to the default one rather than to nothing.
 */
export async function localMedia(choices: MediaChoices = {}): Promise<LocalMedia> {
  const media = navigator.mediaDevices;
  if (!media?.getUserMedia) return { stream: null, error: new DOMException('no media devices', 'NotFoundError') };
  const audio = audioConstraints(choices);
  try {
    return { stream: await media.getUserMedia({ audio, video: videoConstraints(choices) }), error: null };
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotAllowedError') return { stream: null, error };
    const named = Boolean(choices.cameraId || choices.microphoneId);
    if (named && error instanceof DOMException && (error.name === 'OverconstrainedError' || error.name === 'NotFoundError')) {
      return localMedia({ noiseSuppression: choices.noiseSuppression ?? true });
    }
    try {
      return { stream: await media.getUserMedia({ audio }), error };
    } catch {
      return { stream: null, error };
    }
  }
}

/** Whether this browser can share a screen at all (most phones cannot: no getDisplayMedia). */
export function canShareScreen(): boolean {
  return typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}

/**
 * Asks the person to pick a screen, window or tab; video only (the microphone already
 * carries their voice, and shared tab audio would echo the call back into it). Rejects
 * with the browser's DOMException (NotAllowedError when they cancel the picker).
 */
export async function captureScreen(): Promise<MediaStream> {
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: SCREEN, audio: false });
  // 'detail' tells the encoder to keep resolution and drop frames when short of bandwidth.
  for (const t of stream.getVideoTracks()) t.contentHint = 'detail';
  return stream;
}

export function stopTracks(stream: MediaStream | null): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
}
