import { useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { messageOf } from '../api';
import type { ManagedUser } from '../api';
import { createCareTeam } from '../api-admin';
import type { CareTeam } from '../api-admin';
import { ErrorMessage } from './ErrorMessage';
import { Field } from './Field';
import { CareTeamCard } from './CareTeamCard';

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');

  const onCreate = async (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    setStatus('');
    try {
      onTeam(await createCareTeam(name.trim()));
      setName('');
      setStatus('Care team created.');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const shown = error || loadError;

  return (
    <section class="card" aria-labelledby="care-teams-heading" data-testid="care-teams">
      <div class="section-head">
        <h2 id="care-teams-heading">Care teams</h2>
        <button type="button" class="button" onClick={() => void reload()} data-testid="care-teams-refresh">
          Refresh
        </button>
      </div>
      <p>Therapists and staff see the patients of the care teams they belong to.</p>
      {teams === null ? (
        loadError ? null : <p class="muted">Loading…</p>
      ) : teams.length === 0 ? (
        <p class="muted" data-testid="care-teams-none">
          No care teams yet.
        </p>
      ) : (
        <ul class="sub-card-list">
          {teams.map((t) => (
            <CareTeamCard key={t.id} team={t} users={users} onTeam={onTeam} />
          ))}
        </ul>
      )}
      <form onSubmit={onCreate} class="create-form">
        <Field
          id="care-team-name"
          label="New care team name"
          type="text"
          value={name}
          onInput={setName}
          autoComplete="off"
          autoCapitalize="off"
          maxLength={100}
          hint="For example a clinic, a programme or a therapist's caseload."
          testId="care-team-name"
        />
        <ErrorMessage message={shown} testId="care-teams-error" />
        <p class="status-text" role="status" aria-live="polite" data-testid="care-teams-status">
          {status}
        </p>
        <button type="submit" class="button" disabled={busy} data-testid="care-team-create">
          {busy ? 'Creating…' : 'Create care team'}
        </button>
      </form>
    </section>
  );
}
