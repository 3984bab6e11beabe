import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import { listCohorts, listPatients, needsMfa } from '../api-admin';
import type { Cohort, Patient } from '../api-admin';
import { CohortAttendance } from './CohortAttendance';
import { ErrorMessage } from './ErrorMessage';
import { EmergencyAccess } from './EmergencyAccess';
import { LoadedList, SectionHead, SubCard } from './Section';

interface ClinicianPanelsProps {
  /** Called when the server says two-step verification must be set up first. */
  onMfaRequired: () => void;
}

/** Therapists and staff: the patients and cohorts of their care teams, and emergency access. */
export function ClinicianPanels({ onMfaRequired }: ClinicianPanelsProps) {
  const [patients, setPatients] = useState<Patient[] | null>(null);
  const [patientsError, setPatientsError] = useState('');
  const [cohorts, setCohorts] = useState<Cohort[] | null>(null);
  const [cohortsError, setCohortsError] = useState('');
  const [blocked, setBlocked] = useState(false);
  const [openReport, setOpenReport] = useState<string | null>(null);

  const load = async () => {
    setPatientsError('');
    setCohortsError('');
    try {
      setPatients(await listPatients());
    } catch (err) {
      if (needsMfa(err)) {
        setBlocked(true);
        onMfaRequired();
        return;
      }
      setPatientsError(messageOf(err));
    }
    try {
      setCohorts(await listCohorts());
    } catch (err) {
      setCohortsError(messageOf(err));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  // The nudge to set up two-step verification says why nothing is shown.
  if (blocked) return null;

  const nameOf = (id: string) => patients?.find((p) => p.id === id)?.display_name ?? 'A patient outside your care teams';

  return (
    <>
      <section class="card" aria-labelledby="patients-heading" data-testid="my-patients">
        <SectionHead id="patients-heading" title="My patients" onRefresh={() => void load()} testId="my-patients-refresh" />
        <ErrorMessage message={patientsError} testId="my-patients-error" />
        <LoadedList
          items={patients}
          loadError={patientsError}
          none="No patients yet. An administrator adds you and your patients to a care team."
          noneTestId="my-patients-none"
        >
          {(list) => (
            <ul class="link-list">
              {list.map((p) => (
                <li key={p.id} data-testid="patient-item" data-patient-id={p.id}>
                  <a href={`/patients/${encodeURIComponent(p.id)}`} class="list-link" data-testid="patient-link">
                    {p.display_name}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </LoadedList>
      </section>
      <section class="card" aria-labelledby="my-cohorts-heading" data-testid="my-cohorts">
        <h2 id="my-cohorts-heading">My IOP cohorts</h2>
        <ErrorMessage message={cohortsError} testId="my-cohorts-error" />
        <LoadedList
          items={cohorts}
          loadError=""
          showLoading={false}
          none="None of your care teams runs a cohort."
          noneTestId="my-cohorts-none"
        >
          {(list) => (
            <ul class="sub-card-list">
              {list.map((c) => (
                <SubCard key={c.id} testId="my-cohort" data={{ 'data-cohort-id': c.id }} title={c.name}>
                  {c.patients.length === 0 ? (
                    <p class="muted">No patients yet.</p>
                  ) : (
                    <ul class="plain-list">
                      {c.patients.map((id) => (
                        <li key={id} data-testid="my-cohort-patient">
                          {nameOf(id)}
                        </li>
                      ))}
                    </ul>
                  )}
                  <button
                    type="button"
                    class="button"
                    aria-expanded={openReport === c.id}
                    onClick={() => setOpenReport(openReport === c.id ? null : c.id)}
                    data-testid="my-cohort-attendance"
                  >
                    Weekly attendance
                  </button>
                  {openReport === c.id ? <CohortAttendance cohortId={c.id} cohortName={c.name} /> : null}
                </SubCard>
              ))}
            </ul>
          )}
        </LoadedList>
      </section>
      <EmergencyAccess />
    </>
  );
}
