// Plain-language words for what can go wrong in a call. Server codes (docs/SIGNALING.md
// "Error codes") are never shown on their own.
import type { CallEnd } from './call-client';

const JOIN_ERRORS: Record<string, string> = {
  room_not_found:
    'This video room could not be found. It may have ended, or you may not be invited to it. Check the link on your home page.',
  mfa_required: 'Set up two-step verification on the Security page before joining video calls.',
  room_full: 'This call is full: 16 people are already in it.',
  media_unavailable: 'Video calls are not available on this server right now. Please try again later.',
  already_in_room: 'This window is already in a call. Reload the page and try again.',
  disconnected: 'We could not reach Haven. Check your connection and try again.',
  timeout: 'Haven did not answer in time. Check your connection and try again.',
  e2ee_unsupported:
    'This browser cannot encrypt video calls end to end, and Haven calls are never unencrypted. Please join with a current Chrome or Edge (version 86 or later), Firefox (117 or later) or Safari (15.4 or later).',
  too_many_devices:
    'This account already has 10 browsers set up for encrypted calls. Revoke one you no longer use under “Devices for encrypted calls” on your Account page, then join again.',
  removed_from_call: 'The host removed you from this call, so you cannot join it again.',
  room_locked: 'The host has locked this session, so nobody new can join right now. Contact your therapist if you expected to be in it.',
  e2ee_device:
    'Haven could not set up encryption keys for this browser. Check your connection and try again; if it keeps happening, use another browser.',
};

const GENERIC = 'The call could not continue. Please try joining again.';

/** Why joining (or rejoining) failed, for a server or connection error code. */
export function joinErrorText(code: string): string {
  return JOIN_ERRORS[code] ?? GENERIC;
}

/** Why the call stopped without the person leaving. */
export function endText(end: CallEnd): string {
  switch (end.kind) {
    case 'ended':
      return 'The call has ended.';
    case 'replaced':
      return 'You joined this call from another window or device, so it was closed here.';
    case 'removed':
      return 'The host removed you from this call.';
    case 'denied':
      return 'The host did not let you into this session. If you think this is a mistake, contact your therapist.';
    case 'signed-out':
      return 'You were signed out, so the call was closed.';
    case 'error':
      return joinErrorText(end.code);
  }
}

/**
 * A problem that does not end the call (a refused offer, a failed renegotiation): the
 * call may go on without some video. '' for codes that need no words.
 */
export function problemText(code: string): string {
  if (code === 'not_in_room' || code === 'already_in_room') return '';
  if (code === 'disconnected') return '';
  // The waiting room's requests are answered by the panels that sent them.
  if (code === 'participant_not_found' || code === 'host_not_here' || code === 'not_waiting') return '';
  return 'Some video or sound may not be getting through. If others cannot see or hear you, leave and join again.';
}

/**
 * Words for a getUserMedia failure (a DOMException name); `micOnly` when the microphone
 * alone could be started after the camera failed.
 */
export function mediaErrorText(err: unknown, micOnly: boolean): string {
  const name = err instanceof DOMException ? err.name : '';
  if (micOnly) return 'Your camera could not be started, so the others can hear you but not see you.';
  switch (name) {
    case 'NotAllowedError':
      return 'Haven is not allowed to use your camera or microphone. Allow them in your browser’s site settings, then reload this page. You can still see and hear the others.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera or microphone was found. You can still see and hear the others.';
    case 'NotReadableError':
    case 'AbortError':
      return 'Your camera or microphone is in use by another app. Close it, then reload this page.';
    default:
      return 'Your camera and microphone could not be started. You can still see and hear the others.';
  }
}

/**
 * Words for a getDisplayMedia failure; '' when the person cancelled the picker (that is
 * their answer, not a problem).
 */
export function screenErrorText(err: unknown): string {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError') return '';
  return 'Your screen could not be shared. You can try again, or share another window.';
}
