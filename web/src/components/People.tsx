import { useState } from 'preact/hooks';
import { messageOf, userAction } from '../api';
import type { ManagedUser, UserAction } from '../api';
import { ErrorMessage, StatusMessage } from './ErrorMessage';
import { PersonRow } from './PersonRow';
import { SectionHead } from './Section';
import type { Panel } from './PersonRow';

const DONE: Record<UserAction, string> = {
  disable: 'Account disabled. They were signed out everywhere.',
  enable: 'Account enabled.',
  unlock: 'Account unlocked.',
  'reset-mfa': 'Two-step verification reset. They will set it up again at their next sign-in.',
};

interface PeopleProps {
  /** The signed-in admin, whose own row offers no account actions. */
  selfId: string;
  users: ManagedUser[] | null;
  loadError: string;
  reload: () => Promise<void>;
}

/** Admin: everyone with an account, their status, and account actions. */
export function People({ selfId, users, loadError, reload }: PeopleProps) {
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [busyId, setBusyId] = useState('');
  // At most one row shows a role change or reset link panel at a time.
  const [open, setOpen] = useState<{ id: string; panel: Panel } | null>(null);

  const act = async (action: UserAction, id: string) => {
    if (busyId) return;
    setBusyId(id);
    setError('');
    setStatus('');
    try {
      await userAction(action, id);
      // The message appears together with the refreshed list, so the two always agree.
      await reload();
      setStatus(DONE[action]);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusyId('');
    }
  };

  const onRefresh = () => {
    setStatus('');
    setError('');
    void reload();
  };

  const onOpen = (id: string, panel: Panel | null) => {
    setError('');
    setStatus('');
    setOpen(panel ? { id, panel } : null);
  };

  /** A panel finished: say what happened and show the new state. */
  const onDone = (message: string) => {
    void reload().then(() => setStatus(message));
  };

  const shown = error || loadError;

  return (
    <section class="card" aria-labelledby="people-heading" data-testid="people">
      <SectionHead id="people-heading" title="People" onRefresh={onRefresh} testId="people-refresh" />
      <ErrorMessage message={shown} testId="people-error" />
      <StatusMessage message={status} testId="people-status" />
      {users === null ? (
        shown ? null : <p class="muted">Loading…</p>
      ) : (
        <ul class="user-list">
          {users.map((u) => (
            <PersonRow
              key={u.id}
              user={u}
              self={u.id === selfId}
              busy={busyId === u.id}
              panel={open?.id === u.id ? open.panel : null}
              onAction={(a) => void act(a, u.id)}
              onPanel={(p) => onOpen(u.id, p)}
              onDone={onDone}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
