// Local-time helpers for appointments. The server speaks Unix seconds; people read and
// type their own wall-clock time, so every conversion happens here, in the browser's zone.
import type { Appointment } from './api-appointments';

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-03-12" for <input type="date"> (local day). */
export function dateInputValue(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "14:05" for <input type="time"> (local time). */
export function timeInputValue(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Unix seconds of a local date and time as typed, or null when either is incomplete. */
export function fromInputs(date: string, time: string): number | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})/.exec(time);
  if (!d || !t) return null;
  const at = new Date(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  const ms = at.getTime();
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/** The local clock time of Unix seconds, in the reader's own 12- or 24-hour style. */
export function clock(at: number): string {
  return new Date(at * 1000).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** Local midnight at the start of the day holding `at` (ms), after `days` more days. */
function midnight(atMs: number, days = 0): number {
  const d = new Date(atMs);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime();
}

/** "Today", "Tomorrow", or "Wed 12 Mar" for the local day of `at` seen from `now` (seconds). */
export function dayLabel(at: number, now: number): string {
  const day = midnight(at * 1000);
  const today = midnight(now * 1000);
  if (day === today) return 'Today';
  if (day === midnight(now * 1000, 1)) return 'Tomorrow';
  if (day === midnight(now * 1000, -1)) return 'Yesterday';
  const sameYear = new Date(at * 1000).getFullYear() === new Date(now * 1000).getFullYear();
  return new Date(at * 1000).toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
}

/** "Today, 14:00–14:50": when an appointment runs, in local time. */
export function timeRange(a: Appointment, now: number): string {
  return `${dayLabel(a.starts_at, now)}, ${clock(a.starts_at)}–${clock(a.ends_at)}`;
}

export interface DayLists {
  /** Running into or starting on the local day of `now`. */
  today: Appointment[];
  /** Starting on one of the 7 local days after today. */
  week: Appointment[];
  /** Starting later than that (the server sends up to 60 days ahead). */
  later: Appointment[];
}

/** Splits appointments (sorted by start) into today, the next 7 days, and later. */
export function byDay(list: Appointment[], now: number): DayLists {
  const today = midnight(now * 1000) / 1000;
  const tomorrow = midnight(now * 1000, 1) / 1000;
  const weekEnd = midnight(now * 1000, 8) / 1000;
  const out: DayLists = { today: [], week: [], later: [] };
  for (const a of list) {
    if (a.starts_at < tomorrow) {
      // Yesterday's that ended before today began are over and off the lists.
      if (a.ends_at > today) out.today.push(a);
    } else if (a.starts_at < weekEnd) out.week.push(a);
    else out.later.push(a);
  }
  return out;
}

/** '' when a start time is one the server takes, otherwise what to change (server's rule still wins). */
export function startProblem(startsAt: number | null, now: number): string {
  if (startsAt === null) return 'Enter a date and a start time.';
  if (startsAt < now - 300) return 'That start time has already passed. Choose a later time.';
  const limit = new Date(now * 1000);
  limit.setFullYear(limit.getFullYear() + 1);
  if (startsAt * 1000 > limit.getTime()) return 'Sessions can be scheduled up to 12 months ahead. Choose an earlier date.';
  return '';
}

/** The next whole hour from now, as the schedule form's first suggestion. */
export function nextWholeHour(nowMs: number): Date {
  const d = new Date(nowMs + 60 * 60 * 1000);
  d.setMinutes(0, 0, 0);
  return d;
}

