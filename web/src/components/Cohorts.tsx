import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import type { ManagedUser } from '../api';
import { createCohort, listCohorts, setCohortMember } from '../api-admin';
import type { CareTeam, Cohort } from '../api-admin';
import { ErrorMessage, StatusMessage } from './ErrorMessage';
import { AddMember, MemberList, nameOf, upsert } from './AddMember';
import { CreateForm } from './CreateForm';
import { SelectField } from './Field';
import { LoadedList, SubCard } from './Section';
import { SubmitButton } from './SubmitButton';
import { useSubmit } from './useSubmit';

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
  const { busy, error, status, setError, setStatus, run, submit } = useSubmit();

  useEffect(() => {
    listCohorts()
      .then(setCohorts)
      .catch((err: unknown) => setError(messageOf(err)));
  }, []);

  const put = (c: Cohort) => setCohorts((cs) => upsert(cs, c));

  const team = teams.some((t) => t.id === teamId) ? teamId : (teams[0]?.id ?? '');

  const onCreate = submit(async () => {
    put(await createCohort(name.trim(), team));
    setName('');
    setStatus('Cohort created.');
  });

  const setMember = (cohortId: string, userId: string, present: boolean) =>
    void run(async () => {
      put(await setCohortMember(cohortId, userId, present));
      if (present) await reloadTeams();
      setStatus(present ? 'Patient added. They are now also in the cohort’s care team.' : 'Patient removed from the cohort.');
    });

  const patients = users.filter((u) => u.role === 'patient');
  const teamName = (id: string) => teams.find((t) => t.id === id)?.name ?? 'Unknown care team';

  return (
    <section class="card" aria-labelledby="cohorts-heading" data-testid="cohorts">
      <h2 id="cohorts-heading">IOP cohorts</h2>
      <p>A cohort is a group of patients in an intensive outpatient programme, run by one care team.</p>
      <ErrorMessage message={error} testId="cohorts-error" />
      <StatusMessage message={status} testId="cohorts-status" />
      <LoadedList items={cohorts} loadError="" showLoading={false} none="No cohorts yet." noneTestId="cohorts-none">
        {(list) => (
          <ul class="sub-card-list">
            {list.map((c) => (
              <SubCard key={c.id} testId="cohort" data={{ 'data-cohort-id': c.id }} title={c.name}>
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
              </SubCard>
            ))}
          </ul>
        )}
      </LoadedList>
      {teams.length === 0 ? (
        <p class="muted">Create a care team first: every cohort belongs to one.</p>
      ) : (
        <CreateForm id="cohort-name" label="New cohort name" value={name} onInput={setName} onSubmit={onCreate}>
          <SelectField
            id="cohort-team-select"
            label="Care team"
            value={team}
            options={teams.map((t) => ({ id: t.id, label: t.name }))}
            onChange={setTeamId}
            testId="cohort-team-select"
          />
          <SubmitButton busy={busy} busyText="Working…" testId="cohort-create" class="button">
            Create cohort
          </SubmitButton>
        </CreateForm>
      )}
    </section>
  );
}
