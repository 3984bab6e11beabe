// Video rooms (docs/SIGNALING.md "Rooms (REST)"). A room carries ids and times only, no
// title or other text. Like api.ts: never log bodies; ids only in URLs.
import { ApiError, GENERIC_MESSAGE, request } from './api';

export interface Room {
  id: string;
  owner_id: string;
  /** Everyone invited besides the owner (for anyone else: only themselves). */
  participant_ids: string[];
  /** How many are invited besides the owner. */
  participant_count: number;
  /** Unix seconds. */
  created_at: number;
  ended_at: number | null;
  /** A private check-in: the session's room it was made from (docs/SESSIONS.md). */
  parent_id: string | null;
  /** GET /api/rooms/:id for a clinician: the room's listed clinicians (docs/E2EE.md "Stand-in"); [] otherwise. */
  clinician_ids: string[];
}

/** A room may hold the owner and at most this many others. */
export const MAX_ROOM_PARTICIPANTS = 15;

function bad(): never {
  throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
}

const seconds = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function roomOf(raw: unknown): Room {
  if (typeof raw !== 'object' || raw === null) bad();
  const o = raw as Record<string, unknown>;
  if (typeof o.id !== 'string' || !o.id) bad();
  return {
    id: o.id,
    owner_id: String(o.owner_id ?? ''),
    participant_ids: Array.isArray(o.participant_ids) ? o.participant_ids.filter((x): x is string => typeof x === 'string') : [],
    participant_count: typeof o.participant_count === 'number' ? o.participant_count : 0,
    created_at: seconds(o.created_at),
    ended_at: typeof o.ended_at === 'number' ? o.ended_at : null,
    parent_id: typeof o.parent_id === 'string' && o.parent_id ? o.parent_id : null,
    clinician_ids: Array.isArray(o.clinician_ids) ? o.clinician_ids.filter((x): x is string => typeof x === 'string') : [],
  };
}

/** GET /api/rooms: open rooms the caller owns or is invited to, newest first. */
export async function listRooms(): Promise<Room[]> {
  const data = await request<{ rooms?: unknown }>('GET', '/api/rooms');
  if (!data || !Array.isArray(data.rooms)) bad();
  return data.rooms.map(roomOf);
}

/** GET /api/rooms/:id: a room the caller may join (owner or invited; 404 otherwise, 403 removed). */
export async function getRoom(id: string): Promise<Room> {
  const data = await request<{ room?: unknown }>('GET', `/api/rooms/${encodeURIComponent(id)}`);
  return roomOf(data?.room);
}

/** POST /api/rooms (therapist with two-step verification): 1–15 other people. */
export async function createRoom(participantIds: string[]): Promise<Room> {
  const data = await request<{ room?: unknown }>('POST', '/api/rooms', { participant_ids: participantIds });
  return roomOf(data?.room);
}

/** POST /api/rooms/:id/end (the owner): everyone in the call is disconnected. */
export async function endRoom(id: string): Promise<Room> {
  const data = await request<{ room?: unknown }>('POST', `/api/rooms/${encodeURIComponent(id)}/end`);
  return roomOf(data?.room);
}

/**
 * POST /api/rooms/:id/breakout (the owner): a private check-in with some of the session's
 * people; the server moves their pages and the host's into it (docs/SESSIONS.md).
 */
export async function startBreakout(id: string, userIds: string[]): Promise<Room> {
  const data = await request<{ room?: unknown }>('POST', `/api/rooms/${encodeURIComponent(id)}/breakout`, { user_ids: userIds });
  return roomOf(data?.room);
}

/** The in-app path of a room's call page. */
export function callPath(id: string): string {
  return `/call/${encodeURIComponent(id)}`;
}
