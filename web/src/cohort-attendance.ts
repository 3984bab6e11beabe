/**
 * A cohort's weekly attendance (docs/SESSIONS.md "Weekly attendance per cohort"): the
 * week's span in the clinician's own time zone, the answer of POST
 * /api/cohorts/:id/attendance read defensively, hours in words, and the CSV made from the
 * same answer the page shows (so the file and the page cannot disagree). Pure functions,
 * checked in node (tests/web/cohort-attendance.test.mjs).
 */

export type SessionStatus = 'held' | 'upcoming' | 'not_held' | 'cancelled';
export type PersonSessionStatus = 'attended' | 'missed' | 'upcoming' | 'not_held' | 'not_invited';

export interface ReportSession {
  appointment_id: string;
  /** Unix seconds. */
  starts_at: number;
  duration_minutes: number;
  status: SessionStatus;
}

export interface ReportPerson {
  user_id: string;
  display_name: string;
  /** A member of the cohort now (someone who left still shows for their sessions). */
  in_cohort: boolean;
  invited: number;
  attended: number;
  missed: number;
  seconds: number;
  /** One per session, in the sessions' order. */
  sessions: { status: PersonSessionStatus; seconds: number }[];
}

export interface AttendanceReport {
  from: number;
  to: number;
  sessions: ReportSession[];
  people: ReportPerson[];
}

/** Monday 00:00, local time, of the week holding `date`. */
export function weekStart(date: Date): Date {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const back = (d.getDay() + 6) % 7; // Monday 0 … Sunday 6
  d.setDate(d.getDate() - back);
  return d;
}

/** The Monday `offset` weeks from `monday` (local). */
export function shiftWeek(monday: Date, offset: number): Date {
  const d = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 7 * offset);
  return weekStart(d);
}

/** [from, to) in unix seconds: Monday 00:00 to the next Monday 00:00, local (23 to 25 hours a day around a DST change). */
export function weekSpan(monday: Date): { from: number; to: number } {
  const next = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 7);
  return { from: Math.floor(monday.getTime() / 1000), to: Math.floor(next.getTime() / 1000) };
}

/** "1 h 05 min", "25 min", "0 min": whole minutes, rounded down (a few seconds are not a minute). */
export function hoursText(seconds: number): string {
  const minutes = Math.floor(Math.max(0, seconds) / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
}

/** Hours with two decimals, for the CSV and the chart's scale. */
export function hoursDecimal(seconds: number): string {
  return (Math.max(0, seconds) / 3600).toFixed(2);
}

const STATUSES: readonly SessionStatus[] = ['held', 'upcoming', 'not_held', 'cancelled'];
const PERSON_STATUSES: readonly PersonSessionStatus[] = ['attended', 'missed', 'upcoming', 'not_held', 'not_invited'];

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
const oneOf = <T extends string>(v: unknown, options: readonly T[], fallback: T): T =>
  options.includes(v as T) ? (v as T) : fallback;

/** The server's answer as typed data; anything missing reads as empty or zero. */
export function reportOf(data: unknown): AttendanceReport {
  const o = (data ?? {}) as Record<string, unknown>;
  return {
    from: num(o.from),
    to: num(o.to),
    sessions: list(o.sessions).map((s) => ({
      appointment_id: str(s.appointment_id),
      starts_at: num(s.starts_at),
      duration_minutes: num(s.duration_minutes),
      status: oneOf(s.status, STATUSES, 'not_held'),
    })),
    people: list(o.people).map((p) => ({
      user_id: str(p.user_id),
      display_name: str(p.display_name),
      in_cohort: p.in_cohort === true,
      invited: num(p.invited),
      attended: num(p.attended),
      missed: num(p.missed),
      seconds: num(p.seconds),
      sessions: list(p.sessions).map((e) => ({ status: oneOf(e.status, PERSON_STATUSES, 'not_invited'), seconds: num(e.seconds) })),
    })),
  };
}

/**
 * RFC 4180 field: always quoted, quotes doubled; a leading = + - @ gets a ' so that a
 * spreadsheet never runs a name as a formula (OWASP "CSV injection").
 */
export function csvField(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${guarded.replace(/"/g, '""')}"`;
}

/** What a person's cell says for one session. */
export function sessionCell(entry: { status: PersonSessionStatus; seconds: number }): string {
  switch (entry.status) {
    case 'attended':
      return hoursText(entry.seconds);
    case 'missed':
      return 'missed';
    case 'upcoming':
      return 'not yet';
    case 'not_held':
      return 'not held';
    case 'not_invited':
      return '—';
  }
}

/**
 * The report as CSV: one row per person (attended, missed, hours, then minutes or a word
 * per session); session columns are headed by their start in the clinician's time zone
 * (`label`). CRLF line ends, as RFC 4180 says.
 */
export function attendanceCsv(report: AttendanceReport, label: (unixSeconds: number) => string): string {
  const header = ['Patient', 'In the cohort', 'Sessions invited', 'Attended', 'Missed', 'Hours'];
  for (const s of report.sessions) header.push(`${label(s.starts_at)}${s.status === 'cancelled' ? ' (cancelled)' : ''}`);
  const rows = [header];
  for (const p of report.people) {
    rows.push([
      p.display_name,
      p.in_cohort ? 'yes' : 'no',
      String(p.invited),
      String(p.attended),
      String(p.missed),
      hoursDecimal(p.seconds),
      ...p.sessions.map((e) => (e.status === 'attended' ? `${Math.floor(e.seconds / 60)} min` : sessionCell(e))),
    ]);
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The longest time anyone spent, for the chart's scale (at least an hour, so a few minutes do not fill it). */
export function chartScale(report: AttendanceReport): number {
  return Math.max(3600, ...report.people.map((p) => p.seconds));
}

/** A week's file name: haven-attendance-2026-11-23.csv (the Monday, local). */
export function csvName(monday: Date): string {
  const y = monday.getFullYear();
  const m = String(monday.getMonth() + 1).padStart(2, '0');
  const d = String(monday.getDate()).padStart(2, '0');
  return `haven-attendance-${y}-${m}-${d}.csv`;
}
