/**
 * Private check-ins (docs/SESSIONS.md "Private check-in"): what a call page learns from
 * `room.breakout`, where it must go, and how it moves between the session and the check-in
 * without the pre-join step again (the person passed it for this session a moment ago).
 */
import type { MediaChoices } from './media';

export interface BreakoutState {
  running: boolean;
  /** The check-in's room: only its own people (and the host) are told it. */
  roomId: string;
  /** Set on a page inside the check-in: the session it belongs to and returns to. */
  parentRoomId: string;
}

export function breakoutOf(m: Record<string, unknown>): BreakoutState {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return { running: m.running === true, roomId: text(m.room_id), parentRoomId: text(m.parent_room_id) };
}

/**
 * Where this page must go now, or '' to stay: into the check-in when it starts for us,
 * back to the session when it ends.
 */
export function breakoutTarget(b: BreakoutState, currentRoomId: string): string {
  if (b.running && b.roomId && !b.parentRoomId && b.roomId !== currentRoomId) return b.roomId;
  if (!b.running && b.parentRoomId && b.parentRoomId !== currentRoomId) return b.parentRoomId;
  return '';
}

// Devices chosen before joining, handed to the next call page (in memory only: a reload
// goes through the pre-join step again).
let carried: { roomId: string; choices: MediaChoices } | null = null;

export function carryChoices(roomId: string, choices: MediaChoices): void {
  carried = { roomId, choices };
}

/** The choices carried to this room, once; null when none were. */
export function takeCarriedChoices(roomId: string): MediaChoices | null {
  const c = carried?.roomId === roomId ? carried.choices : null;
  carried = null;
  return c;
}
