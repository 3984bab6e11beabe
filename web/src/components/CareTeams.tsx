import { useState } from 'preact/hooks';
import type { ManagedUser } from '../api';
import { createCareTeam } from '../api-admin';
import type { CareTeam } from '../api-admin';
import { ErrorMessage, StatusMessage } from './ErrorMessage';
import { CareTeamCard } from './CareTeamCard';
import { CreateForm } from './CreateForm';
import { LoadedList, SectionHead } from './Section';
import { SubmitButton } from './SubmitButton';
import { useSubmit } from './useSubmit';

interface CareTeamsProps {
  users: ManagedUser[];
  teams: CareTeam[] | null;
  loadError: string;
  reload: () => Promise<void>;
  /** A team was created or changed. */
  onTeam: (team: CareTeam) => void;
}

/** Admin: care teams decide which clinicians see which patients. */
export function CareTeams({ users, teams, loadError, reload, onTeam }: CareTeamsProps) {
  const [name, setName] = useState('');
  const { busy, error, status, setStatus, submit } = useSubmit();

  const onCreate = submit(async () => {
    onTeam(await createCareTeam(name.trim()));
    setName('');
    setStatus('Care team created.');
  });

  const shown = error || loadError;

  return (
    <section class="card" aria-labelledby="care-teams-heading" data-testid="care-teams">
      <SectionHead id="care-teams-heading" title="Care teams" onRefresh={() => void reload()} testId="care-teams-refresh" />
      <p>Therapists and staff see the patients of the care teams they belong to.</p>
      <LoadedList items={teams} loadError={loadError} none="No care teams yet." noneTestId="care-teams-none">
        {(list) => (
          <ul class="sub-card-list">
            {list.map((t) => (
              <CareTeamCard key={t.id} team={t} users={users} onTeam={onTeam} />
            ))}
          </ul>
        )}
      </LoadedList>
      <CreateForm
        id="care-team-name"
        label="New care team name"
        value={name}
        onInput={setName}
        onSubmit={onCreate}
        hint="For example a clinic, a programme or a therapist's caseload."
      >
        <ErrorMessage message={shown} testId="care-teams-error" />
        <StatusMessage message={status} testId="care-teams-status" />
        <SubmitButton busy={busy} busyText="Creating…" testId="care-team-create" class="button">
          Create care team
        </SubmitButton>
      </CreateForm>
    </section>
  );
}
