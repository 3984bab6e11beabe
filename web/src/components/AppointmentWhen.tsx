import type { TargetedEvent } from 'preact';
import { DEFAULT_DURATION, DURATIONS } from '../api-appointments';
import type { AppointmentWhen } from '../api-appointments';
import { dateInputValue, fromInputs, startProblem, timeInputValue } from '../appointment-time';

/** What the date, time and length fields hold, as typed. */
export interface WhenDraft {
  date: string;
  time: string;
  duration: number;
}

/** The fields filled in with an existing start (seconds) and length. */
export function draftOf(startsAt: number, duration: number): WhenDraft {
  const d = new Date(startsAt * 1000);
  return { date: dateInputValue(d), time: timeInputValue(d), duration };
}

/** A fresh draft for `start` with the default length. */
export function draftAt(start: Date): WhenDraft {
  return { date: dateInputValue(start), time: timeInputValue(start), duration: DEFAULT_DURATION };
}

/** The request body for a draft, or the plain words for what to fix first. */
export function whenOf(draft: WhenDraft, nowMs: number): AppointmentWhen | string {
  const startsAt = fromInputs(draft.date, draft.time);
  const problem = startProblem(startsAt, nowMs / 1000);
  if (problem || startsAt === null) return problem;
  return { starts_at: startsAt, duration_minutes: draft.duration };
}

interface WhenFieldsProps {
  /** Prefix of the inputs' ids (unique on the page). */
  idPrefix: string;
  /** Prefix of the inputs' data-testids: `${testPrefix}-date`, `-time`, `-duration`. */
  testPrefix: string;
  value: WhenDraft;
  onChange: (next: WhenDraft) => void;
  disabled: boolean;
}

/**
 * Date, start time (both in the browser's local time) and length of a session. Native
 * date and time inputs: keyboard operable and with the phone's own pickers at 375 px.
 */
export function WhenFields({ idPrefix, testPrefix, value, onChange, disabled }: WhenFieldsProps) {
  const set =
    (key: 'date' | 'time') =>
    (e: TargetedEvent<HTMLInputElement>) =>
      onChange({ ...value, [key]: e.currentTarget.value });
  const onDuration = (e: TargetedEvent<HTMLSelectElement>) => onChange({ ...value, duration: Number(e.currentTarget.value) });
  // A length the server gave that is not offered (e.g. set through the API) stays selectable.
  const durations = DURATIONS.includes(value.duration) ? DURATIONS : [...DURATIONS, value.duration].sort((a, b) => a - b);

  return (
    <div class="when-fields">
      <div class="field">
        <label for={`${idPrefix}-date`}>Date</label>
        <input
          id={`${idPrefix}-date`}
          type="date"
          value={value.date}
          onInput={set('date')}
          required
          disabled={disabled}
          data-testid={`${testPrefix}-date`}
        />
      </div>
      <div class="field">
        <label for={`${idPrefix}-time`}>Start time</label>
        <input
          id={`${idPrefix}-time`}
          type="time"
          value={value.time}
          onInput={set('time')}
          required
          disabled={disabled}
          data-testid={`${testPrefix}-time`}
        />
      </div>
      <div class="field">
        <label for={`${idPrefix}-duration`}>Length</label>
        <select
          id={`${idPrefix}-duration`}
          value={String(value.duration)}
          onChange={onDuration}
          disabled={disabled}
          data-testid={`${testPrefix}-duration`}
        >
          {durations.map((m) => (
            <option key={m} value={String(m)}>
              {m} minutes
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
