import { useEffect, useState } from 'preact/hooks';
import { listUsers, messageOf } from '../api';
import type { ManagedUser } from '../api';
import { listCareTeams, needsMfa } from '../api-admin';
import type { CareTeam } from '../api-admin';
import { People } from './People';
import { CareTeams } from './CareTeams';
import { Cohorts } from './Cohorts';
import { BreakGlassReview } from './BreakGlassReview';
import { upsert } from './AddMember';

interface AdminPanelsProps {
  selfId: string;
  /** Called when the server says this admin must set up two-step verification first. */
  onMfaRequired: () => void;
}

/**
 * The admin's sections. People, care teams and cohorts share one list of accounts (to show
 * names for ids) and one list of care teams, so a change in one section shows in the others.
 */
export function AdminPanels({ selfId, onMfaRequired }: AdminPanelsProps) {
  const [users, setUsers] = useState<ManagedUser[] | null>(null);
  const [usersError, setUsersError] = useState('');
  const [teams, setTeams] = useState<CareTeam[] | null>(null);
  const [teamsError, setTeamsError] = useState('');
  const [blocked, setBlocked] = useState(false);

  const reloadUsers = async () => {
    setUsersError('');
    try {
      setUsers(await listUsers());
    } catch (err) {
      if (needsMfa(err)) {
        setBlocked(true);
        onMfaRequired();
      }
      setUsersError(messageOf(err));
    }
  };

  const reloadTeams = async () => {
    setTeamsError('');
    try {
      setTeams(await listCareTeams());
    } catch (err) {
      setTeamsError(messageOf(err));
    }
  };

  /** Puts a created or changed care team into the list. */
  const putTeam = (team: CareTeam) => setTeams((ts) => upsert(ts, team));

  useEffect(() => {
    void reloadUsers();
    void reloadTeams();
  }, []);

  // Without two-step verification the server shows no names: the nudge above says why.
  if (blocked) return null;

  return (
    <>
      <People selfId={selfId} users={users} loadError={usersError} reload={reloadUsers} />
      <CareTeams users={users ?? []} teams={teams} loadError={teamsError} reload={reloadTeams} onTeam={putTeam} />
      <Cohorts users={users ?? []} teams={teams ?? []} reloadTeams={reloadTeams} />
      <BreakGlassReview users={users ?? []} />
    </>
  );
}
