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

/** Camera and microphone; without a usable camera, the microphone alone. */
export async function localMedia(): Promise<LocalMedia> {
  const media = navigator.mediaDevices;
  if (!media?.getUserMedia) return { stream: null, error: new DOMException('no media devices', 'NotFoundError') };
  try {
    return { stream: await media.getUserMedia({ audio: AUDIO, video: VIDEO }), error: null };
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotAllowedError') return { stream: null, error };
    try {
      return { stream: await media.getUserMedia({ audio: AUDIO }), error };
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
