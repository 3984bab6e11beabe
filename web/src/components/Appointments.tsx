import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import { needsMfa } from '../api-admin';
import { listAppointments } from '../api-appointments';
import type { Appointment } from '../api-appointments';
import { byDay, clock, dayLabel } from '../appointment-time';
import { AppointmentRow } from './AppointmentRow';
import { AppointmentScheduleForm } from './AppointmentScheduleForm';
import { ErrorMessage, StatusMessage } from './ErrorMessage';
import { LoadedList, SectionHead } from './Section';

/** How often Join is re-evaluated: it opens 15 minutes before the start and closes at the end. */
const TICK_MS = 30_000;

/** Unix seconds, updated every TICK_MS while the component is shown. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now() / 1000), TICK_MS);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

/** The signed-in person's appointments: loading, reloading, and taking the server's new versions. */
function useAppointments(onMfaRequired: () => void) {
  const [list, setList] = useState<Appointment[] | null>(null);
  const [loadError, setLoadError] = useState('');
  const [blocked, setBlocked] = useState(false);

  const load = async () => {
    setLoadError('');
    try {
      setList(await listAppointments());
    } catch (err) {
      if (needsMfa(err)) {
        setBlocked(true);
        onMfaRequired();
        return;
      }
      setLoadError(messageOf(err));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  /** Puts the server's version of one appointment in place (or adds it), by start time. */
  const put = (a: Appointment) =>
    setList((old) => [...(old ?? []).filter((x) => x.id !== a.id), a].sort((x, y) => x.starts_at - y.starts_at));

  return { list, loadError, blocked, load, put };
}

interface DayListProps {
  title: string;
  /** The heading's id; the list's test id is `${id}-list`. */
  id: string;
  items: Appointment[];
  none: string;
  now: number;
  onChanged: (a: Appointment, message: string) => void;
}

/** One of the therapist's lists ("Today", "Next 7 days", "Later"). */
function DayList({ title, id, items, none, now, onChanged }: DayListProps) {
  return (
    <div class="appt-day" data-testid={id}>
      <h3 id={`${id}-heading`} class="subheading">
        {title}
      </h3>
      {items.length === 0 ? (
        <p class="muted" data-testid={`${id}-none`}>
          {none}
        </p>
      ) : (
        <ul class="room-list" aria-labelledby={`${id}-heading`}>
          {items.map((a) => (
            <AppointmentRow key={a.id} appointment={a} now={now} owner onChanged={onChanged} />
          ))}
        </ul>
      )}
    </div>
  );
}

interface TherapistAppointmentsProps {
  onMfaRequired: () => void;
}

/** Therapist: today's and the coming week's sessions, and scheduling a new one. */
export function TherapistAppointments({ onMfaRequired }: TherapistAppointmentsProps) {
  const { list, loadError, blocked, load, put } = useAppointments(onMfaRequired);
  const [status, setStatus] = useState('');
  const now = useNow();

  if (blocked) return null;

  const onChanged = (a: Appointment, message: string) => {
    put(a);
    setStatus(message);
    // The row may have moved to another list: the card's heading keeps the focus in place.
    document.getElementById('appts-heading')?.focus();
  };

  const onScheduled = (a: Appointment) => {
    put(a);
    setStatus(`Session scheduled for ${dayLabel(a.starts_at, Date.now() / 1000).toLowerCase()} at ${clock(a.starts_at)}.`);
  };

  const lists = list ? byDay(list, now) : null;

  return (
    <section class="card" aria-labelledby="appts-heading" data-testid="appointments">
      <SectionHead id="appts-heading" title="Appointments" onRefresh={() => void load()} testId="appts-refresh" focusable />
      <ErrorMessage message={loadError} testId="appts-error" />
      <StatusMessage message={status} testId="appts-status" />
      {lists ? (
        <>
          <DayList title="Today" id="appts-today" items={lists.today} none="Nothing scheduled today." now={now} onChanged={onChanged} />
          <DayList title="Next 7 days" id="appts-week" items={lists.week} none="Nothing scheduled in the next 7 days." now={now} onChanged={onChanged} />
          {lists.later.length ? <DayList title="Later" id="appts-later" items={lists.later} none="" now={now} onChanged={onChanged} /> : null}
        </>
      ) : loadError ? null : (
        <p class="muted">Loading…</p>
      )}
      <AppointmentScheduleForm onScheduled={onScheduled} onMfaRequired={onMfaRequired} />
    </section>
  );
}

/** Patient: their sessions with the therapist's name, Join while open, and Add to calendar. */
export function PatientAppointments() {
  const { list, loadError, load, put } = useAppointments(() => {});
  const now = useNow();
  // Sessions that ended are no use to a patient here: they drop off at the next tick.
  const shown = list?.filter((a) => a.ends_at > now) ?? null;

  return (
    <section class="card" aria-labelledby="my-appts-heading" data-testid="my-appointments">
      <SectionHead id="my-appts-heading" title="Sessions" onRefresh={() => void load()} testId="my-appts-refresh" />
      <ErrorMessage message={loadError} testId="my-appts-error" />
      <LoadedList
        items={shown}
        loadError={loadError}
        none="No sessions scheduled. When your therapist schedules one with you, it appears here."
        noneTestId="my-appts-none"
      >
        {(items) => (
          <ul class="room-list" data-testid="my-appts-list">
            {items.map((a) => (
              <AppointmentRow key={a.id} appointment={a} now={now} owner={false} onChanged={put} />
            ))}
          </ul>
        )}
      </LoadedList>
    </section>
  );
}
