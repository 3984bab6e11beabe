import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import { cohortAttendance } from '../api-admin';
import {
  attendanceCsv,
  chartScale,
  csvName,
  hoursText,
  shiftWeek,
  weekSpan,
  weekStart,
} from '../cohort-attendance';
import type { AttendanceReport, ReportSession } from '../cohort-attendance';
import { saveFile } from '../save-file';
import { ErrorMessage, StatusMessage } from './ErrorMessage';

const dayLabel = (d: Date) => d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
const sessionLabel = (unixSeconds: number) =>
  new Date(unixSeconds * 1000).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

const SESSION_WORDS: Record<ReportSession['status'], string> = {
  held: 'held',
  upcoming: 'not yet',
  not_held: 'not held (nobody came)',
  cancelled: 'cancelled',
};

/**
 * A cohort's weekly attendance for its care team's clinicians (docs/SESSIONS.md "Weekly
 * attendance per cohort"): the week's group sessions, time attended per patient as a bar
 * chart and a table (the table is the chart's text equivalent), sessions missed, and the
 * same figures as a CSV file made in the browser, with times in the clinician's zone.
 */
export function CohortAttendance({ cohortId, cohortName }: { cohortId: string; cohortName: string }) {
  const [monday, setMonday] = useState(() => weekStart(new Date()));
  const [report, setReport] = useState<AttendanceReport | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');

  useEffect(() => {
    let live = true;
    setReport(null);
    setError('');
    setStatus('');
    cohortAttendance(cohortId, weekSpan(monday))
      .then((r) => live && setReport(r))
      .catch((err: unknown) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
  }, [cohortId, monday.getTime()]);

  const id = `attendance-${cohortId}`;
  const download = () => {
    if (!report) return;
    saveFile(new Blob([attendanceCsv(report, sessionLabel)], { type: 'text/csv;charset=utf-8' }), csvName(monday));
    setStatus('The CSV file was downloaded.');
  };
  const scale = report ? chartScale(report) : 1;

  return (
    <div class="attendance" role="region" aria-labelledby={`${id}-heading`} data-testid="cohort-attendance">
      <h4 id={`${id}-heading`} class="subheading">
        Attendance, week of <span data-testid="attendance-week">{dayLabel(monday)}</span>
      </h4>
      <div class="button-row">
        <button type="button" class="button" onClick={() => setMonday(shiftWeek(monday, -1))} data-testid="attendance-prev">
          Previous week
        </button>
        <button type="button" class="button" onClick={() => setMonday(weekStart(new Date()))} data-testid="attendance-this">
          This week
        </button>
        <button type="button" class="button" onClick={() => setMonday(shiftWeek(monday, 1))} data-testid="attendance-next">
          Next week
        </button>
      </div>
      <ErrorMessage message={error} testId="attendance-error" />
      {report === null ? (
        error ? null : <p class="muted">Loading…</p>
      ) : report.sessions.length === 0 ? (
        <p class="muted" data-testid="attendance-none">
          No group sessions of {cohortName} this week.
        </p>
      ) : (
        <>
          <h5 class="minor-heading">Sessions</h5>
          <ul class="plain-list" data-testid="attendance-sessions">
            {report.sessions.map((s, i) => {
              const came = report.people.filter((p) => p.sessions[i]?.status === 'attended').length;
              const invited = report.people.filter((p) => p.sessions[i] && p.sessions[i].status !== 'not_invited').length;
              return (
                <li key={s.appointment_id} data-testid="attendance-session" data-status={s.status}>
                  {sessionLabel(s.starts_at)}, {s.duration_minutes} min: {SESSION_WORDS[s.status]}
                  {s.status === 'held' ? ` (${came} of ${invited} came)` : ''}
                </li>
              );
            })}
          </ul>
          <figure class="attendance-chart" aria-labelledby={`${id}-chart`}>
            <figcaption id={`${id}-chart`} class="minor-heading">
              Time attended this week
            </figcaption>
            {report.people.map((p) => (
              <div class="bar-row" key={p.user_id}>
                <span class="bar-label">{p.display_name}</span>
                <span class="bar-track" aria-hidden="true">
                  <span class="bar-fill" style={{ width: `${Math.round((p.seconds / scale) * 100)}%` }} />
                </span>
                <span class="bar-value">{hoursText(p.seconds)}</span>
              </div>
            ))}
          </figure>
          <div class="table-scroll" tabIndex={0} role="group" aria-label={`Attendance table, ${cohortName}`}>
            <table class="report-table" data-testid="attendance-table">
              <caption class="visually-hidden">Sessions attended and missed per patient, and time in the sessions</caption>
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">Attended</th>
                  <th scope="col">Missed</th>
                  <th scope="col">Time</th>
                </tr>
              </thead>
              <tbody>
                {report.people.map((p) => (
                  <tr key={p.user_id} data-testid="attendance-row" data-user-id={p.user_id}>
                    <th scope="row">
                      {p.display_name}
                      {p.in_cohort ? '' : ' (left the cohort)'}
                    </th>
                    <td data-testid="attendance-attended">
                      {p.attended} of {p.invited}
                    </td>
                    <td data-testid="attendance-missed">{p.missed}</td>
                    <td data-testid="attendance-time">{hoursText(p.seconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <button type="button" class="button" onClick={download} data-testid="attendance-csv">
            Download CSV
          </button>
          <StatusMessage message={status} testId="attendance-status" />
        </>
      )}
    </div>
  );
}
