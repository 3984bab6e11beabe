// Session notes (issue 7): one plain note per room, kept by the room's owner (the
// therapist) and stored encrypted by the server. Like api.ts: never log bodies; ids only
// in URLs.
import { ApiError, GENERIC_MESSAGE, request } from './api';

/** The server refuses a longer note (400 invalid_field). */
export const NOTE_MAX = 20000;

export interface Note {
  text: string;
  /** Unix seconds. */
  updated_at: number;
}

function noteOf(raw: unknown): Note | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'object') throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  const o = raw as Record<string, unknown>;
  if (typeof o.text !== 'string') throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  return { text: o.text, updated_at: typeof o.updated_at === 'number' && Number.isFinite(o.updated_at) ? o.updated_at : 0 };
}

const notePath = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}/note`;

/** GET /api/rooms/:id/note (the room's owner only): the note, or null before the first save. */
export async function getNote(roomId: string): Promise<Note | null> {
  const data = await request<{ note?: unknown }>('GET', notePath(roomId));
  if (!data || !('note' in data)) throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  return noteOf(data.note);
}

/** POST /api/rooms/:id/note: replaces the note with `text` (0–20000 characters). */
export async function saveNote(roomId: string, text: string): Promise<Note> {
  const data = await request<{ note?: unknown }>('POST', notePath(roomId), { text });
  const note = noteOf(data?.note);
  if (!note) throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  return note;
}

/** The in-app path of a room's notes page. */
export function notesPath(roomId: string): string {
  return `/notes/${encodeURIComponent(roomId)}`;
}
