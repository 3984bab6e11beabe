// The safety check at the start of a session (docs/SESSIONS.md "Safety check at the start"):
// a patient or guest confirms where they are and an emergency contact before joining; the
// room's owner reads them. Like api.ts: never log bodies; ids only in URLs.
import { ApiError, GENERIC_MESSAGE, request } from './api';

/** The server's limits (code points); it refuses longer values (400 invalid_field). */
export const LOCATION_MAX = 200;
export const CONTACT_NAME_MAX = 100;
export const CONTACT_PHONE_MAX = 40;

/** What the server accepts as a phone number: digits, spaces, + - ( ) . and at least 3 digits. */
export function dialable(phone: string): boolean {
  const p = phone.trim();
  return /^[0-9 +\-().]+$/.test(p) && (p.match(/[0-9]/g)?.length ?? 0) >= 3;
}

export interface SafetyForm {
  location: string;
  contact_name: string;
  contact_phone: string;
}

export interface SafetyCheck extends SafetyForm {
  /** Unix seconds. */
  confirmed_at: number;
}

/** One person of the room as its owner sees them: their confirmation, or null. */
export interface SafetyPerson {
  user_id: string;
  display_name: string;
  guest: boolean;
  safety: SafetyCheck | null;
}

export interface SavedContact {
  name: string;
  phone: string;
}

function bad(): never {
  throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const seconds = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function checkOf(raw: unknown): SafetyCheck | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'object') bad();
  const o = raw as Record<string, unknown>;
  return { location: text(o.location), contact_name: text(o.contact_name), contact_phone: text(o.contact_phone), confirmed_at: seconds(o.confirmed_at) };
}

const safetyPath = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}/safety`;

/** POST /api/rooms/:id/safety (a person of the room other than its owner). */
export async function confirmSafety(roomId: string, form: SafetyForm): Promise<void> {
  await request('POST', safetyPath(roomId), form);
}

/** GET /api/rooms/:id/safety (the room's owner): every other person, confirmed or not. */
export async function getRoomSafety(roomId: string): Promise<SafetyPerson[]> {
  const data = await request<{ people?: unknown }>('GET', safetyPath(roomId));
  if (!data || !Array.isArray(data.people)) bad();
  return data.people.map((raw: unknown) => {
    if (typeof raw !== 'object' || raw === null) bad();
    const o = raw as Record<string, unknown>;
    if (typeof o.user_id !== 'string') bad();
    return { user_id: o.user_id, display_name: text(o.display_name), guest: o.guest === true, safety: checkOf(o.safety) };
  });
}

/** GET /api/account/safety-contact: the emergency contact confirmed last time, or null. */
export async function getSavedContact(): Promise<SavedContact | null> {
  const data = await request<{ contact?: unknown }>('GET', '/api/account/safety-contact');
  const c = data?.contact;
  if (c === null || c === undefined) return null;
  if (typeof c !== 'object') bad();
  const o = c as Record<string, unknown>;
  return { name: text(o.name), phone: text(o.phone) };
}
