import { useEffect, useState } from 'preact/hooks';
import type { TargetedEvent, TargetedSubmitEvent } from 'preact';
import { messageOf } from '../api';
import type { ManagedUser } from '../api';
import { createCohort, listCohorts, setCohortMember } from '../api-admin';
import type { CareTeam, Cohort } from '../api-admin';
import { ErrorMessage } from './ErrorMessage';
import { Field } from './Field';
import { AddMember, MemberList, nameOf } from './AddMember';

interface CohortsProps {
  users: ManagedUser[];
  teams: CareTeam[];
  /** Adding a patient to a cohort also adds them to its care team. */
  reloadTeams: () => Promise<void>;
}

/** Admin: intensive outpatient (IOP) cohorts, each on one care team, and their patients. */
export function Cohorts({ users, teams, reloadTeams }: CohortsProps) {
  const [cohorts, setCohorts] = useState<Cohort[] | null>(null);
  const [name, setName] = useState('');
  const [teamId, setTeamId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');

  const load = async () => {
    setError('');
    try {
      setCohorts(await listCohorts());
    } catch (err) {
      setError(messageOf(err));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  const put = (c: Cohort) =>
    setCohorts((cs) => {
      const list = cs ?? [];
      return list.some((x) => x.id === c.id) ? list.map((x) => (x.id === c.id ? c : x)) : [...list, c];
    });

  const run = async (work: () => Promise<string>) => {
    if (busy) return;
    setBusy(true);
    setError('');
    setStatus('');
    try {
      setStatus(await work());
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const team = teams.some((t) => t.id === teamId) ? teamId : (teams[0]?.id ?? '');
  const onTeamChange = (e: TargetedEvent<HTMLSelectElement>) => setTeamId(e.currentTarget.value);

  const onCreate = (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    void run(async () => {
      put(await createCohort(name.trim(), team));
      setName('');
      return 'Cohort created.';
    });
  };

  const setMember = (cohortId: string, userId: string, present: boolean) =>
    void run(async () => {
      put(await setCohortMember(cohortId, userId, present));
      if (present) await reloadTeams();
      return present ? 'Patient added. They are now also in the cohort’s care team.' : 'Patient removed from the cohort.';
    });

  const patients = users.filter((u) => u.role === 'patient');
  const teamName = (id: string) => teams.find((t) => t.id === id)?.name ?? 'Unknown care team';

  return (
    <section class="card" aria-labelledby="cohorts-heading" data-testid="cohorts">
      <h2 id="cohorts-heading">IOP cohorts</h2>
      <p>A cohort is a group of patients in an intensive outpatient programme, run by one care team.</p>
      <ErrorMessage message={error} testId="cohorts-error" />
      <p class="status-text" role="status" aria-live="polite" data-testid="cohorts-status">
        {status}
      </p>
      {cohorts === null ? null : cohorts.length === 0 ? (
        <p class="muted" data-testid="cohorts-none">
          No cohorts yet.
        </p>
      ) : (
        <ul class="sub-card-list">
          {cohorts.map((c) => (
            <li key={c.id} class="sub-card" data-testid="cohort" data-cohort-id={c.id}>
              <h3 class="subheading" data-testid="cohort-title">
                {c.name}
              </h3>
              <p class="muted" data-testid="cohort-team">
                Care team: {teamName(c.care_team_id)}
              </p>
              <MemberList
                names={c.patients.map((id) => ({ id, label: nameOf(users, id) }))}
                empty="No patients yet."
                busy={busy}
                onRemove={(id) => setMember(c.id, id, false)}
                testId="cohort-patient"
              />
              <AddMember
                id={`cohort-add-${c.id}`}
                label="Add a patient"
                options={patients.filter((p) => !c.patients.includes(p.id)).map((p) => ({ id: p.id, label: p.display_name }))}
                empty="Every patient is already in this cohort."
                busy={busy}
                onAdd={(id) => setMember(c.id, id, true)}
                testPrefix="cohort"
              />
            </li>
          ))}
        </ul>
      )}
      {teams.length === 0 ? (
        <p class="muted">Create a care team first: every cohort belongs to one.</p>
      ) : (
        <form onSubmit={onCreate} class="create-form">
          <Field
            id="cohort-name"
            label="New cohort name"
            type="text"
            value={name}
            onInput={setName}
            autoComplete="off"
            autoCapitalize="off"
            maxLength={100}
            testId="cohort-name"
          />
          <div class="field">
            <label for="cohort-team-select">Care team</label>
            <select id="cohort-team-select" value={team} onChange={onTeamChange} data-testid="cohort-team-select">
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="button" disabled={busy} data-testid="cohort-create">
            {busy ? 'Working…' : 'Create cohort'}
          </button>
        </form>
      )}
    </section>
  );
}
