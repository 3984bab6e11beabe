import type { ManagedUser, UserAction } from '../api';
import { ROLE_LABEL } from './roles';
import { RoleChange } from './RoleChange';
import { ResetLinkPanel } from './ResetLinkPanel';

export type Panel = 'role' | 'reset';

interface PersonRowProps {
  user: ManagedUser;
  self: boolean;
  busy: boolean;
  /** The panel open in this row, if any. */
  panel: Panel | null;
  onAction: (action: UserAction) => void;
  onPanel: (panel: Panel | null) => void;
  /** A panel's change went through; `message` says what happened. */
  onDone: (message: string) => void;
}

/** One person in the People list: name, email, badges, and what an admin can do. */
export function PersonRow({ user: u, self, busy, panel, onAction, onPanel, onDone }: PersonRowProps) {
  const toggle = (p: Panel) => onPanel(panel === p ? null : p);
  return (
    <li class="user-row" data-testid="user-row" data-user-id={u.id}>
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
            <button type="button" class="button" disabled={busy} onClick={() => onAction('enable')} data-testid="user-enable">
              Enable
            </button>
          ) : (
            <button type="button" class="button" disabled={busy} onClick={() => onAction('disable')} data-testid="user-disable">
              Disable
            </button>
          )}
          {u.locked ? (
            <button type="button" class="button" disabled={busy} onClick={() => onAction('unlock')} data-testid="user-unlock">
              Unlock
            </button>
          ) : null}
          {u.mfa ? (
            <button type="button" class="button" disabled={busy} onClick={() => onAction('reset-mfa')} data-testid="user-reset-mfa">
              Reset two-step
            </button>
          ) : null}
          {u.role !== 'patient' ? (
            <button
              type="button"
              class="button"
              aria-expanded={panel === 'role'}
              onClick={() => toggle('role')}
              data-testid="user-change-role"
            >
              Change role
            </button>
          ) : null}
          <button
            type="button"
            class="button"
            aria-expanded={panel === 'reset'}
            onClick={() => toggle('reset')}
            data-testid="user-reset-link"
          >
            Password reset link
          </button>
        </div>
      )}
      {!self && panel === 'role' && u.role !== 'patient' ? (
        <RoleChange user={u} onCancel={() => onPanel(null)} onDone={(m) => { onPanel(null); onDone(m); }} />
      ) : null}
      {!self && panel === 'reset' ? <ResetLinkPanel user={u} onClose={() => onPanel(null)} onIssued={onDone} /> : null}
    </li>
  );
}
