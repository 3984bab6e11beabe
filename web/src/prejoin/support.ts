// The pre-join step's checks and their words (docs/SESSIONS.md "Before joining"): may this
// person enter the room at all, can this browser encrypt the call, and what to do when the
// camera or microphone cannot be used. Plain instructions, never a bare error name.
import { ApiError } from '../api';
import { getRoom } from '../api-rooms';
import { e2eeSupported } from '../call/media-crypto';
import { joinErrorText } from '../call/messages';

/** What the room check found: the person may enter, or the code the call page would refuse with. */
export type RoomAccess = { ok: true } | { ok: false; code: string; text: string };

/**
 * Whether the caller may enter `roomId`: an open room they own or are invited to (`GET
 * /api/rooms/:id`, docs/SIGNALING.md). Checked before the camera is asked for: a person who
 * may not enter is never asked for it. The refusal is the call page's own wording
 * (call/messages.ts); the server still decides at join.
 */
export async function checkRoomAccess(roomId: string): Promise<RoomAccess> {
  try {
    await getRoom(roomId);
    return { ok: true };
  } catch (e) {
    const known = ['mfa_required', 'removed_from_call'];
    const code = !(e instanceof ApiError) ? 'disconnected' : e.status === 404 ? 'room_not_found' : known.includes(e.code) ? e.code : 'disconnected';
    return { ok: false, code, text: joinErrorText(code) };
  }
}

/**
 * '' when this browser can take part in a Haven call; otherwise what to do. The call
 * needs encoded transforms for end-to-end encryption: the same check (e2eeSupported) and
 * the same words (`e2ee_unsupported`) as the call itself.
 */
export function browserProblem(): string {
  if (!e2eeSupported()) return joinErrorText('e2ee_unsupported');
  return '';
}

/** Whether the page may ask for a camera and microphone at all (secure page, API present). */
export function canCapture(): boolean {
  return typeof navigator.mediaDevices?.getUserMedia === 'function';
}

export const NO_CAPTURE_TEXT =
  'This browser cannot use a camera or microphone on this page. You can still join and see and hear the others; to be seen and heard, use a current Chrome, Edge, Firefox or Safari.';

/**
 * Words for a camera or microphone that could not be started in the preview, with what
 * to do. `micOnly`: the microphone works but the camera does not.
 */
export function previewProblemText(err: unknown, micOnly: boolean): string {
  const name = err instanceof DOMException ? err.name : '';
  if (micOnly) {
    return 'Your camera could not be started, so the others will hear you but not see you. If you have a camera, check that it is plugged in and not used by another app, then press “Try again”.';
  }
  switch (name) {
    case 'NotAllowedError':
      return 'Haven is not allowed to use your camera and microphone. Open your browser’s site settings for this page (often the icon next to the address), allow the camera and microphone, then press “Try again”. You can also join without them and still see and hear the others.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera or microphone was found. Plug one in (or turn it on), then press “Try again”. You can also join without them and still see and hear the others.';
    case 'NotReadableError':
    case 'AbortError':
      return 'Your camera or microphone is being used by another app. Close that app (or its call), then press “Try again”.';
    default:
      return 'Your camera and microphone could not be started. Press “Try again”, or join without them and still see and hear the others.';
  }
}

/** What the speaker test can do here: play through a chosen output, or only the default. */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

export const DEFAULT_SPEAKER_TEXT =
  'This browser plays sound through your system’s default speaker or headphones. To use others, change the default in your device’s sound settings.';
