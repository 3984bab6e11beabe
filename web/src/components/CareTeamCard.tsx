import type { ManagedUser } from '../api';
import { setCareTeamMember } from '../api-admin';
import type { CareTeam } from '../api-admin';
import { ErrorMessage } from './ErrorMessage';
import { AddMember, MemberList, nameOf } from './AddMember';
import { ROLE_LABEL } from './roles';
import { SubCard } from './Section';
import { useSubmit } from './useSubmit';

interface CareTeamCardProps {
  team: CareTeam;
  users: ManagedUser[];
  onTeam: (team: CareTeam) => void;
}

/** One care team: its clinicians and patients, with add and remove. */
export function CareTeamCard({ team, users, onTeam }: CareTeamCardProps) {
  const { busy, error, run } = useSubmit();

  const set = (userId: string, present: boolean) => run(async () => onTeam(await setCareTeamMember(team.id, userId, present)));
  const remove = (userId: string) => void set(userId, false);

  const members = new Set([...team.clinicians, ...team.patients]);
  const candidates = users
    .filter((u) => u.role !== 'admin' && !members.has(u.id))
    .map((u) => ({ id: u.id, label: `${u.display_name} (${ROLE_LABEL[u.role]})` }));
  const named = (ids: string[]) => ids.map((id) => ({ id, label: nameOf(users, id) }));

  return (
    <SubCard testId="care-team" data={{ 'data-team-id': team.id }} title={team.name} headingId={`team-${team.id}`}>
      <p class="list-label">Clinicians</p>
      <MemberList names={named(team.clinicians)} empty="No clinicians yet." busy={busy} onRemove={remove} testId="team-clinician" />
      <p class="list-label">Patients</p>
      <MemberList names={named(team.patients)} empty="No patients yet." busy={busy} onRemove={remove} testId="team-patient" />
      <ErrorMessage message={error} testId="care-team-error" />
      <AddMember
        id={`team-add-${team.id}`}
        label="Add a therapist, staff member or patient"
        options={candidates}
        empty="Everyone who can join is already in this team."
        busy={busy}
        onAdd={(id) => void set(id, true)}
        testPrefix="team"
      />
    </SubCard>
  );
}
