// API calls for practice administration and clinicians' patient views (docs/API.md
// "Patients, care teams, break-glass"; roles, reset links and cohorts). Like api.ts:
// never log request or response bodies, and put no names or emails in URLs (ids only).
import { ApiError, request } from './api';
import type { Role } from './api';
import { reportOf } from './cohort-attendance';
import type { AttendanceReport } from './cohort-attendance';

const BAD_RESPONSE = 'Something went wrong. Please try again.';

function bad(): never {
  throw new ApiError(500, 'bad_response', BAD_RESPONSE);
}

/** True when the server refused because the caller has not set up two-step verification. */
export function needsMfa(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'mfa_required';
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function seconds(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

// ---------------------------------------------------------------------------
// Roles and password reset links (admin with two-step verification)

/** The roles an admin can move a colleague between; patients never change role. */
export const STAFF_ROLES: Role[] = ['admin', 'therapist', 'staff'];

/** POST /api/users/role: the user's sessions end. */
export async function changeRole(userId: string, role: Role): Promise<void> {
  await request<unknown>('POST', '/api/users/role', { user_id: userId, role });
}

export interface ResetLink {
  link: string;
  /** Unix seconds. */
  expires_at: number;
}

/** POST /api/users/reset-password: a one-time link (24 h); the user's sessions end. */
export async function createResetLink(userId: string): Promise<ResetLink> {
  const data = await request<{ link?: unknown; expires_at?: unknown }>('POST', '/api/users/reset-password', { user_id: userId });
  if (!data || typeof data.link !== 'string') bad();
  return { link: data.link, expires_at: seconds(data.expires_at) };
}

// ---------------------------------------------------------------------------
// Care teams (admin)

export interface CareTeam {
  id: string;
  name: string;
  clinicians: string[];
  patients: string[];
}

function careTeamOf(t: unknown): CareTeam {
  const o = (t ?? {}) as Record<string, unknown>;
  return { id: String(o.id ?? ''), name: String(o.name ?? ''), clinicians: strings(o.clinicians), patients: strings(o.patients) };
}

export async function listCareTeams(): Promise<CareTeam[]> {
  const data = await request<{ care_teams?: unknown }>('GET', '/api/care-teams');
  if (!data || !Array.isArray(data.care_teams)) bad();
  return data.care_teams.map(careTeamOf);
}

export async function createCareTeam(name: string): Promise<CareTeam> {
  const data = await request<{ care_team?: unknown }>('POST', '/api/care-teams', { name });
  if (!data?.care_team) bad();
  return careTeamOf(data.care_team);
}

/** Adds (present) or removes a member; clinicians and patients are told apart by role. */
export async function setCareTeamMember(teamId: string, userId: string, present: boolean): Promise<CareTeam> {
  const data = await request<{ care_team?: unknown }>('POST', `/api/care-teams/${encodeURIComponent(teamId)}/members`, {
    user_id: userId,
    present,
  });
  if (!data?.care_team) bad();
  return careTeamOf(data.care_team);
}

// ---------------------------------------------------------------------------
// IOP cohorts (admin manages; therapists and staff see their care teams' cohorts)

export interface Cohort {
  id: string;
  name: string;
  care_team_id: string;
  patients: string[];
}

function cohortOf(c: unknown): Cohort {
  const o = (c ?? {}) as Record<string, unknown>;
  return { id: String(o.id ?? ''), name: String(o.name ?? ''), care_team_id: String(o.care_team_id ?? ''), patients: strings(o.patients) };
}

export async function listCohorts(): Promise<Cohort[]> {
  const data = await request<{ cohorts?: unknown }>('GET', '/api/cohorts');
  if (!data || !Array.isArray(data.cohorts)) bad();
  return data.cohorts.map(cohortOf);
}

/** POST /api/cohorts/:id/attendance: the cohort's sessions in [from, to) and who came (its care team only). */
export async function cohortAttendance(cohortId: string, span: { from: number; to: number }): Promise<AttendanceReport> {
  const data = await request<unknown>('POST', `/api/cohorts/${encodeURIComponent(cohortId)}/attendance`, span);
  if (!data) bad();
  return reportOf(data);
}

export async function createCohort(name: string, careTeamId: string): Promise<Cohort> {
  const data = await request<{ cohort?: unknown }>('POST', '/api/cohorts', { name, care_team_id: careTeamId });
  if (!data?.cohort) bad();
  return cohortOf(data.cohort);
}

export async function setCohortMember(cohortId: string, userId: string, present: boolean): Promise<Cohort> {
  const data = await request<{ cohort?: unknown }>('POST', `/api/cohorts/${encodeURIComponent(cohortId)}/members`, {
    user_id: userId,
    present,
  });
  if (!data?.cohort) bad();
  return cohortOf(data.cohort);
}

// ---------------------------------------------------------------------------
// Patients (therapists and staff with two-step verification)

export interface Patient {
  id: string;
  display_name: string;
  email: string;
}

function patientOf(p: unknown): Patient {
  const o = (p ?? {}) as Record<string, unknown>;
  return { id: String(o.id ?? ''), display_name: String(o.display_name ?? ''), email: String(o.email ?? '') };
}

/** The patients of the caller's care teams. */
export async function listPatients(): Promise<Patient[]> {
  const data = await request<{ patients?: unknown }>('GET', '/api/patients');
  if (!data || !Array.isArray(data.patients)) bad();
  return data.patients.map(patientOf);
}

export interface PatientRecord {
  patient: Patient;
  /** True when this read went through an emergency (break-glass) grant. */
  break_glass: boolean;
}

export async function getPatient(id: string): Promise<PatientRecord> {
  const data = await request<{ patient?: unknown; break_glass?: unknown }>('GET', `/api/patients/${encodeURIComponent(id)}`);
  if (!data?.patient) bad();
  return { patient: patientOf(data.patient), break_glass: data.break_glass === true };
}

// ---------------------------------------------------------------------------
// Break-glass (emergency access)

export const REASON_MIN = 20;
export const REASON_MAX = 500;

export interface BreakGlassGrant {
  id: string;
  patient_id: string;
  expires_at: number;
}

/** POST /api/break-glass by the patient's email: 60 minutes of access, recorded for review. */
export async function requestBreakGlass(patientEmail: string, reason: string): Promise<BreakGlassGrant> {
  const data = await request<{ break_glass?: Record<string, unknown> }>('POST', '/api/break-glass', {
    patient_email: patientEmail,
    reason,
  });
  const g = data?.break_glass;
  if (!g || typeof g.patient_id !== 'string') bad();
  return { id: String(g.id ?? ''), patient_id: g.patient_id, expires_at: seconds(g.expires_at) };
}

export interface BreakGlassRecord {
  id: string;
  user_id: string;
  patient_id: string;
  reason: string;
  created_at: number;
  expires_at: number;
}

/** GET /api/break-glass (admin with two-step verification): every emergency access. */
export async function listBreakGlass(): Promise<BreakGlassRecord[]> {
  const data = await request<{ break_glass?: unknown }>('GET', '/api/break-glass');
  if (!data || !Array.isArray(data.break_glass)) bad();
  return data.break_glass.map((r) => {
    const o = (r ?? {}) as Record<string, unknown>;
    return {
      id: String(o.id ?? ''),
      user_id: String(o.user_id ?? ''),
      patient_id: String(o.patient_id ?? ''),
      reason: String(o.reason ?? ''),
      created_at: seconds(o.created_at),
      expires_at: seconds(o.expires_at),
    };
  });
}

/** A Unix-seconds time in the reader's locale, or a dash when unknown. */
export function formatTime(unixSeconds: number): string {
  if (!unixSeconds) return '–';
  return new Date(unixSeconds * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
