// Appointments (issue 7): scheduled video sessions, joined through their own room.
// Like api.ts: never log bodies; ids only in URLs (an appointment's names stay in bodies).
// Times are Unix seconds from the server; everything shown is in the browser's local time.
import { ApiError, GENERIC_MESSAGE, request } from './api';

export type AppointmentKind = 'individual' | 'couples' | 'group';
export type AppointmentStatus = 'scheduled' | 'cancelled';

export interface AppointmentPerson {
  id: string;
  display_name: string;
}

export interface Appointment {
  id: string;
  kind: AppointmentKind;
  owner_id: string;
  /** The therapist's name, for patients. */
  owner_name: string;
  participant_ids: string[];
  /** Named for the owner; a patient gets only themselves here (group members stay private). */
  participants: AppointmentPerson[];
  starts_at: number;
  duration_minutes: number;
  ends_at: number;
  /** Join opens 15 minutes before the start. */
  join_opens_at: number;
  status: AppointmentStatus;
  room_id: string | null;
  /** The owner's view only: people invited with a guest link (docs/SESSIONS.md "Guests"). */
  guests: Guest[];
  /** The owner's view only: the IOP cohort a group session belongs to, if any. */
  cohort_id: string | null;
}

export type GuestStatus = 'invited' | 'joined' | 'expired' | 'revoked';

export interface Guest {
  id: string;
  display_name: string;
  status: GuestStatus;
  expires_at: number;
}

function guestOf(raw: unknown): Guest {
  const q = (raw ?? {}) as Record<string, unknown>;
  const status = q.status === 'joined' || q.status === 'expired' || q.status === 'revoked' ? q.status : 'invited';
  return { id: text(q.id), display_name: text(q.display_name), status, expires_at: seconds(q.expires_at) };
}

export const KIND_LABELS: Record<AppointmentKind, string> = {
  individual: '1:1',
  couples: 'Couples',
  group: 'Group',
};

/** The lengths offered when scheduling (the server takes 15–240 minutes). */
export const DURATIONS = [30, 45, 50, 60, 90];
export const DEFAULT_DURATION = 50;

/** How many people besides the therapist each kind takes (the server checks the same). */
const PEOPLE: Record<AppointmentKind, { min: number; max: number }> = {
  individual: { min: 1, max: 1 },
  couples: { min: 2, max: 2 },
  group: { min: 2, max: 15 },
};

export const MAX_GROUP = PEOPLE.group.max;

/** What to choose for a kind, said before anyone gets it wrong. */
export function peopleHint(kind: AppointmentKind): string {
  if (kind === 'individual') return 'Choose one person.';
  if (kind === 'couples') return 'Choose the two people of the couple.';
  return `Choose 2 to ${MAX_GROUP} people.`;
}

/** '' when `count` people fit `kind`, otherwise what to fix, in plain words. */
export function peopleProblem(kind: AppointmentKind, count: number): string {
  const { min, max } = PEOPLE[kind];
  if (count >= min && count <= max) return '';
  if (kind === 'individual') return 'A 1:1 session is with exactly one person. Choose one person.';
  if (kind === 'couples') return 'A couples session is with exactly two people. Choose two people.';
  return `A group session is with 2 to ${MAX_GROUP} people. You chose ${count}.`;
}

function bad(): never {
  throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
}

const seconds = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function kindOf(v: unknown): AppointmentKind {
  return v === 'couples' || v === 'group' ? v : 'individual';
}

function appointmentOf(raw: unknown): Appointment {
  if (typeof raw !== 'object' || raw === null) bad();
  const o = raw as Record<string, unknown>;
  if (typeof o.id !== 'string' || !o.id) bad();
  const starts = seconds(o.starts_at);
  const minutes = seconds(o.duration_minutes);
  const people = Array.isArray(o.participants) ? (o.participants as unknown[]) : [];
  return {
    id: o.id,
    kind: kindOf(o.kind),
    owner_id: text(o.owner_id),
    owner_name: text(o.owner_name),
    participant_ids: Array.isArray(o.participant_ids) ? o.participant_ids.filter((x): x is string => typeof x === 'string') : [],
    participants: people.map((p) => {
      const q = (p ?? {}) as Record<string, unknown>;
      return { id: text(q.id), display_name: text(q.display_name) };
    }),
    starts_at: starts,
    duration_minutes: minutes,
    ends_at: typeof o.ends_at === 'number' ? o.ends_at : starts + minutes * 60,
    join_opens_at: typeof o.join_opens_at === 'number' ? o.join_opens_at : starts - 900,
    status: o.status === 'cancelled' ? 'cancelled' : 'scheduled',
    room_id: typeof o.room_id === 'string' && o.room_id ? o.room_id : null,
    guests: Array.isArray(o.guests) ? o.guests.map(guestOf) : [],
    cohort_id: typeof o.cohort_id === 'string' && o.cohort_id ? o.cohort_id : null,
  };
}

const path = (id: string, action: string) => `/api/appointments/${encodeURIComponent(id)}/${action}`;

/** GET /api/appointments: the caller's, from a day ago to 60 days ahead, by start time. */
export async function listAppointments(): Promise<Appointment[]> {
  const data = await request<{ appointments?: unknown }>('GET', '/api/appointments');
  if (!data || !Array.isArray(data.appointments)) bad();
  return data.appointments.map(appointmentOf).sort((a, b) => a.starts_at - b.starts_at);
}

export interface AppointmentWhen {
  starts_at: number;
  duration_minutes: number;
}

export interface NewAppointment extends AppointmentWhen {
  kind: AppointmentKind;
  participant_ids: string[];
  /** A group session of an IOP cohort (its weekly attendance report counts it). */
  cohort_id?: string;
}

/** POST /api/appointments (therapist with two-step verification). */
export async function createAppointment(body: NewAppointment): Promise<Appointment> {
  const data = await request<{ appointment?: unknown }>('POST', '/api/appointments', body);
  return appointmentOf(data?.appointment);
}

/** POST /api/appointments/:id/reschedule (the owner; not once cancelled). */
export async function rescheduleAppointment(id: string, when: AppointmentWhen): Promise<Appointment> {
  const data = await request<{ appointment?: unknown }>('POST', path(id, 'reschedule'), when);
  return appointmentOf(data?.appointment);
}

/** POST /api/appointments/:id/cancel (the owner; cancelling twice is fine). */
export async function cancelAppointment(id: string): Promise<Appointment> {
  const data = await request<{ appointment?: unknown }>('POST', path(id, 'cancel'));
  return appointmentOf(data?.appointment);
}

/** POST /api/appointments/:id/join: the room to open at /call/<room_id>, while joining is open. */
export async function joinAppointment(id: string): Promise<string> {
  const data = await request<{ room_id?: unknown }>('POST', path(id, 'join'));
  if (!data || typeof data.room_id !== 'string' || !data.room_id) bad();
  return data.room_id;
}

/** The .ics download (no names in it): a plain link, so the browser saves it. */
export function icsPath(id: string): string {
  return path(id, 'ics');
}

export type JoinState = 'open' | 'early' | 'over' | 'cancelled';

/** Whether Join works at `now` (Unix seconds): the server's rule, which still decides. */
export function joinState(a: Appointment, now: number): JoinState {
  if (a.status === 'cancelled') return 'cancelled';
  if (now < a.join_opens_at) return 'early';
  if (now >= a.ends_at) return 'over';
  return 'open';
}

export interface GuestLink {
  guest: Guest;
  /** Shown once: the token is in its fragment and the server keeps only its hash. */
  link: string;
  /** "123 456": to be told to the guest another way than the link (a phone call). */
  code: string;
}

/** POST /api/appointments/:id/guests (the owner): a single-use link and a code for one guest. */
export async function inviteGuest(appointmentId: string, displayName: string): Promise<GuestLink> {
  const data = await request<{ guest?: unknown; link?: unknown; code?: unknown }>('POST', path(appointmentId, 'guests'), { display_name: displayName });
  if (!data || typeof data.link !== 'string' || typeof data.code !== 'string') bad();
  return { guest: guestOf(data.guest), link: data.link, code: data.code };
}

/** POST /api/guests/:id/revoke (the owner): the link stops working and the guest is signed out. */
export async function revokeGuest(guestId: string): Promise<Guest> {
  const data = await request<{ guest?: unknown }>('POST', `/api/guests/${encodeURIComponent(guestId)}/revoke`);
  return guestOf(data?.guest);
}

/** POST /api/guests/accept: the guest link's token and the code sign the guest in. */
export async function acceptGuestLink(token: string, code: string): Promise<string> {
  const data = await request<{ appointment_id?: unknown }>('POST', '/api/guests/accept', { token, code });
  if (!data || typeof data.appointment_id !== 'string') bad();
  return data.appointment_id;
}
