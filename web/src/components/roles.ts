import type { Role } from '../api';

/** Role names as people read them. */
export const ROLE_LABEL: Record<Role, string> = {
  admin: 'Administrator',
  therapist: 'Therapist',
  staff: 'Staff',
  patient: 'Patient',
  guest: 'Guest (no account)',
};

/** Roles as the options of a SelectField. */
export function roleOptions(roles: readonly Role[]): { id: Role; label: string }[] {
  return roles.map((r) => ({ id: r, label: ROLE_LABEL[r] }));
}
