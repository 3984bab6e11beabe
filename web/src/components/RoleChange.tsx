import { useEffect, useState } from 'preact/hooks';
import type { ManagedUser, Role } from '../api';
import { STAFF_ROLES, changeRole } from '../api-admin';
import { ErrorMessage } from './ErrorMessage';
import { SelectField } from './Field';
import { SubmitButton } from './SubmitButton';
import { useSubmit } from './useSubmit';
import { ROLE_LABEL, roleOptions } from './roles';

interface RoleChangeProps {
  user: ManagedUser;
  onCancel: () => void;
  onDone: (message: string) => void;
}

/** Choose a colleague's new role and confirm; their sessions end. Never for patients. */
export function RoleChange({ user, onCancel, onDone }: RoleChangeProps) {
  const choices = STAFF_ROLES.filter((r) => r !== user.role);
  const [role, setRole] = useState<Role>(choices[0] ?? 'staff');
  const { busy, error, submit } = useSubmit();
  const selectId = `role-select-${user.id}`;

  useEffect(() => {
    document.getElementById(selectId)?.focus();
  }, [selectId]);

  const onSubmit = submit(async () => {
    await changeRole(user.id, role);
    onDone(`Role changed to ${ROLE_LABEL[role]}. They were signed out.`);
  });

  return (
    <form class="row-panel" onSubmit={onSubmit} data-testid="role-change">
      <SelectField
        id={selectId}
        label={`New role for ${user.display_name}`}
        value={role}
        options={roleOptions(choices)}
        onChange={(r) => setRole(r as Role)}
        testId="role-select"
      />
      <p class="notice">They will be signed out. Their next sign-in uses the new role.</p>
      <ErrorMessage message={error} testId="role-error" />
      <div class="button-row">
        <SubmitButton busy={busy} busyText="Changing…" testId="role-confirm" class="button button-strong">
          Change role and sign them out
        </SubmitButton>
        <button type="button" class="button" onClick={onCancel} disabled={busy} data-testid="role-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}
