import { useEffect, useState } from 'preact/hooks';
import type { TargetedEvent, TargetedSubmitEvent } from 'preact';
import { messageOf } from '../api';
import type { ManagedUser, Role } from '../api';
import { STAFF_ROLES, changeRole } from '../api-admin';
import { ErrorMessage } from './ErrorMessage';
import { ROLE_LABEL } from './roles';

interface RoleChangeProps {
  user: ManagedUser;
  onCancel: () => void;
  onDone: (message: string) => void;
}

/** Choose a colleague's new role and confirm; their sessions end. Never for patients. */
export function RoleChange({ user, onCancel, onDone }: RoleChangeProps) {
  const choices = STAFF_ROLES.filter((r) => r !== user.role);
  const [role, setRole] = useState<Role>(choices[0] ?? 'staff');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const selectId = `role-select-${user.id}`;

  useEffect(() => {
    document.getElementById(selectId)?.focus();
  }, [selectId]);

  const onSubmit = async (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      await changeRole(user.id, role);
      onDone(`Role changed to ${ROLE_LABEL[role]}. They were signed out.`);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  const onRole = (e: TargetedEvent<HTMLSelectElement>) => setRole(e.currentTarget.value as Role);

  return (
    <form class="row-panel" onSubmit={onSubmit} data-testid="role-change">
      <div class="field">
        <label for={selectId}>New role for {user.display_name}</label>
        <select id={selectId} value={role} onChange={onRole} data-testid="role-select">
          {choices.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </select>
      </div>
      <p class="notice">They will be signed out. Their next sign-in uses the new role.</p>
      <ErrorMessage message={error} testId="role-error" />
      <div class="button-row">
        <button type="submit" class="button button-strong" disabled={busy} data-testid="role-confirm">
          {busy ? 'Changing…' : 'Change role and sign them out'}
        </button>
        <button type="button" class="button" onClick={onCancel} disabled={busy} data-testid="role-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}
