import type { Role } from '../api';

/** Role names as people read them. */
export const ROLE_LABEL: Record<Role, string> = {
  admin: 'Administrator',
  therapist: 'Therapist',
  staff: 'Staff',
  patient: 'Patient',
};
