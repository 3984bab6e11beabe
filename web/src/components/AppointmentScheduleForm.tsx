import { useEffect, useState } from 'preact/hooks';
import type { TargetedEvent, TargetedSubmitEvent } from 'preact';
import { messageOf } from '../api';
import { listCohorts, needsMfa } from '../api-admin';
import type { Cohort } from '../api-admin';
import { createAppointment, KIND_LABELS, MAX_GROUP, peopleHint, peopleProblem } from '../api-appointments';
import type { Appointment, AppointmentKind } from '../api-appointments';
import { nextWholeHour } from '../appointment-time';
import { draftAt, whenOf, WhenFields } from './AppointmentWhen';
import type { WhenDraft } from './AppointmentWhen';
import { ErrorMessage } from './ErrorMessage';
import { SubmitButton } from './SubmitButton';
import { usePatientChoice } from './usePatientChoice';
import { useSubmit } from './useSubmit';

interface ScheduleFormProps {
  onScheduled: (appointment: Appointment) => void;
  /** Called when the server says two-step verification must be set up first. */
  onMfaRequired: () => void;
}

const KINDS: AppointmentKind[] = ['individual', 'couples', 'group'];

/**
 * Therapist: schedule a 1:1, couples or group session with patients of their care teams.
 * The count rule is checked here so the common mistake gets words at once; the server
 * checks it again and its answer is what is shown when the two disagree.
 */
export function AppointmentScheduleForm({ onScheduled, onMfaRequired }: ScheduleFormProps) {
  const { patients, loadError, chosen, toggle, clear, chooseOnly } = usePatientChoice(onMfaRequired);
  const [kind, setKind] = useState<AppointmentKind>('individual');
  const [cohorts, setCohorts] = useState<Cohort[]>([]);
  const [cohortId, setCohortId] = useState('');
  const [when, setWhen] = useState<WhenDraft>(() => draftAt(nextWholeHour(Date.now())));
  const { busy, error, setError, run } = useSubmit();

  // The cohorts of the therapist's care teams: a group session may be one of theirs.
  useEffect(() => {
    listCohorts()
      .then(setCohorts)
      .catch(() => setCohorts([])); // without them a group is still scheduled by hand
  }, []);

  const onKind = (e: TargetedEvent<HTMLSelectElement>) => setKind(e.currentTarget.value as AppointmentKind);
  const onCohort = (e: TargetedEvent<HTMLSelectElement>) => {
    const id = e.currentTarget.value;
    setCohortId(id);
    const cohort = cohorts.find((c) => c.id === id);
    if (cohort) chooseOnly(cohort.patients);
  };
  const cohortOn = kind === 'group' && cohorts.some((c) => c.id === cohortId);

  const onSubmit = (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const body = whenOf(when, Date.now());
    const problem = peopleProblem(kind, chosen.size) || (typeof body === 'string' ? body : '');
    if (problem || typeof body === 'string') {
      setError(problem);
      return;
    }
    void run(
      async () => {
        const made = await createAppointment({ kind, participant_ids: [...chosen], ...(cohortOn ? { cohort_id: cohortId } : {}), ...body });
        clear();
        setCohortId('');
        onScheduled(made);
      },
      (err) => {
        if (needsMfa(err)) onMfaRequired();
        return messageOf(err);
      },
    );
  };

  if (patients === null) {
    return loadError ? <ErrorMessage message={loadError} testId="appt-schedule-error" /> : null;
  }
  if (patients.length === 0) {
    return (
      <p class="muted create-form" data-testid="appt-schedule-none">
        To schedule a session, you need patients in your care teams.
      </p>
    );
  }

  // A group holds at most MAX_GROUP people: further boxes wait until one is unticked.
  const full = chosen.size >= MAX_GROUP;

  return (
    <form class="create-form" onSubmit={onSubmit} noValidate aria-labelledby="appt-schedule-heading" data-testid="appt-schedule">
      <h3 id="appt-schedule-heading" class="subheading">
        Schedule a session
      </h3>
      <div class="field">
        <label for="appt-kind">Kind of session</label>
        <select id="appt-kind" value={kind} onChange={onKind} disabled={busy} data-testid="appt-kind">
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </div>
      {kind === 'group' && cohorts.length > 0 ? (
        <div class="field">
          <label for="appt-cohort">IOP cohort</label>
          <select id="appt-cohort" value={cohortId} onChange={onCohort} disabled={busy} aria-describedby="appt-cohort-hint" data-testid="appt-cohort">
            <option value="">None</option>
            {cohorts.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <p class="hint" id="appt-cohort-hint">
            Choosing a cohort ticks its patients below and counts the session in the cohort’s weekly attendance.
          </p>
        </div>
      ) : null}
      <WhenFields idPrefix="appt-new" testPrefix="appt" value={when} onChange={setWhen} disabled={busy} />
      <p class="hint when-hint">Times are in your own time zone. Everyone joins from 15 minutes before the start.</p>
      <fieldset class="checkbox-list" aria-describedby="appt-people-hint">
        <legend>With</legend>
        <p class="hint" id="appt-people-hint" data-testid="appt-people-hint">
          {peopleHint(kind)}
        </p>
        {patients.map((p) => {
          const id = `appt-person-${p.id}`;
          const checked = chosen.has(p.id);
          return (
            <div class="checkbox" key={p.id}>
              <input
                type="checkbox"
                id={id}
                checked={checked}
                disabled={busy || (full && !checked)}
                onChange={(e) => toggle(p.id, e.currentTarget.checked)}
                data-testid="appt-person"
                data-user-id={p.id}
              />
              <label for={id}>{p.display_name}</label>
            </div>
          );
        })}
      </fieldset>
      <ErrorMessage message={error} testId="appt-schedule-error" />
      <SubmitButton busy={busy} busyText="Scheduling…" testId="appt-schedule-submit" class="button">
        Schedule session
      </SubmitButton>
    </form>
  );
}
