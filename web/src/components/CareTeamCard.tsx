import { useState } from 'preact/hooks';
import { messageOf } from '../api';
import type { ManagedUser } from '../api';
import { setCareTeamMember } from '../api-admin';
import type { CareTeam } from '../api-admin';
import { ErrorMessage } from './ErrorMessage';
import { AddMember, MemberList, nameOf } from './AddMember';
import { ROLE_LABEL } from './roles';

interface CareTeamCardProps {
  team: CareTeam;
  users: ManagedUser[];
  onTeam: (team: CareTeam) => void;
}

/** One care team: its clinicians and patients, with add and remove. */
export function CareTeamCard({ team, users, onTeam }: CareTeamCardProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const set = async (userId: string, present: boolean) => {
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      onTeam(await setCareTeamMember(team.id, userId, present));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const members = new Set([...team.clinicians, ...team.patients]);
  const candidates = users
    .filter((u) => u.role !== 'admin' && !members.has(u.id))
    .map((u) => ({ id: u.id, label: `${u.display_name} (${ROLE_LABEL[u.role]})` }));
  const named = (ids: string[]) => ids.map((id) => ({ id, label: nameOf(users, id) }));
  const headingId = `team-${team.id}`;

  return (
    <li class="sub-card" data-testid="care-team" data-team-id={team.id} aria-labelledby={headingId}>
      <h3 id={headingId} class="subheading" data-testid="care-team-title">
        {team.name}
      </h3>
      <p class="list-label">Clinicians</p>
      <MemberList
        names={named(team.clinicians)}
        empty="No clinicians yet."
        busy={busy}
        onRemove={(id) => void set(id, false)}
        testId="team-clinician"
      />
      <p class="list-label">Patients</p>
      <MemberList
        names={named(team.patients)}
        empty="No patients yet."
        busy={busy}
        onRemove={(id) => void set(id, false)}
        testId="team-patient"
      />
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
    </li>
  );
}
