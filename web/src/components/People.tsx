import { useEffect, useState } from 'preact/hooks';
import { listUsers, messageOf, userAction } from '../api';
import type { ManagedUser, Role, UserAction } from '../api';
import { ErrorMessage } from './ErrorMessage';

const ROLE_LABEL: Record<Role, string> = {
  admin: 'Administrator',
  therapist: 'Therapist',
  staff: 'Staff',
  patient: 'Patient',
};

const DONE: Record<UserAction, string> = {
  disable: 'Account disabled. They were signed out everywhere.',
  enable: 'Account enabled.',
  unlock: 'Account unlocked.',
  'reset-mfa': 'Two-step verification reset. They will set it up again at their next sign-in.',
};

interface PeopleProps {
  /** The signed-in admin, whose own row offers no disable or reset. */
  selfId: string;
}

/** Admin: everyone with an account, their status, and account actions. */
export function People({ selfId }: PeopleProps) {
  const [users, setUsers] = useState<ManagedUser[] | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [busyId, setBusyId] = useState('');

  const load = async () => {
    setError('');
    try {
      setUsers(await listUsers());
    } catch (err) {
      setError(messageOf(err));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  const act = async (action: UserAction, id: string) => {
    if (busyId) return;
    setBusyId(id);
    setError('');
    setStatus('');
    try {
      await userAction(action, id);
      setStatus(DONE[action]);
      await load();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusyId('');
    }
  };

  const onRefresh = () => {
    setStatus('');
    void load();
  };

  return (
    <section class="card" aria-labelledby="people-heading" data-testid="people">
      <div class="section-head">
        <h2 id="people-heading">People</h2>
        <button type="button" class="button" onClick={onRefresh} data-testid="people-refresh">
          Refresh
        </button>
      </div>
      <ErrorMessage message={error} testId="people-error" />
      <p class="status-text" role="status" aria-live="polite" data-testid="people-status">
        {status}
      </p>
      {users === null ? (
        error ? null : <p class="muted">Loading…</p>
      ) : (
        <ul class="user-list">
          {users.map((u) => {
            const self = u.id === selfId;
            const busy = busyId === u.id;
            return (
              <li key={u.id} class="user-row" data-testid="user-row" data-user-id={u.id}>
                <div class="user-info">
                  <strong class="user-row-name" data-testid="user-row-name">
                    {u.display_name}
                    {self ? ' (you)' : ''}
                  </strong>
                  <span class="muted" data-testid="user-row-email">
                    {u.email}
                  </span>
                  <span class="badges">
                    <span class="badge" data-testid="user-row-role">
                      {ROLE_LABEL[u.role] ?? u.role}
                    </span>
                    {u.disabled ? (
                      <span class="badge badge-warn" data-testid="badge-disabled">
                        Disabled
                      </span>
                    ) : null}
                    {u.locked ? (
                      <span class="badge badge-warn" data-testid="badge-locked">
                        Locked
                      </span>
                    ) : null}
                    {u.mfa ? (
                      <span class="badge badge-ok" data-testid="badge-mfa">
                        Two-step on
                      </span>
                    ) : null}
                  </span>
                </div>
                {self ? null : (
                  <div class="user-actions" role="group" aria-label={`Actions for ${u.display_name}`}>
                    {u.disabled ? (
                      <button type="button" class="button" disabled={busy} onClick={() => void act('enable', u.id)} data-testid="user-enable">
                        Enable
                      </button>
                    ) : (
                      <button type="button" class="button" disabled={busy} onClick={() => void act('disable', u.id)} data-testid="user-disable">
                        Disable
                      </button>
                    )}
                    {u.locked ? (
                      <button type="button" class="button" disabled={busy} onClick={() => void act('unlock', u.id)} data-testid="user-unlock">
                        Unlock
                      </button>
                    ) : null}
                    {u.mfa ? (
                      <button type="button" class="button" disabled={busy} onClick={() => void act('reset-mfa', u.id)} data-testid="user-reset-mfa">
                        Reset two-step
                      </button>
                    ) : null}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
