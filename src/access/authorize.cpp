#include "access/authorize.h"

namespace haven {

const char* action_name(Action action) {
  switch (action) {
    case Action::health_read: return "health_read";
    case Action::enrollment_use: return "enrollment_use";
    case Action::session_create: return "session_create";
    case Action::session_delete: return "session_delete";
    case Action::own_profile_read: return "own_profile_read";
    case Action::signaling_connect: return "signaling_connect";
    case Action::account_read: return "account_read";
    case Action::mfa_manage: return "mfa_manage";
    case Action::mfa_verify: return "mfa_verify";
    case Action::invitation_create: return "invitation_create";
    case Action::invitation_use: return "invitation_use";
    case Action::user_manage: return "user_manage";
    case Action::patient_record_read: return "patient_record_read";
  }
  return "unknown";
}

Decision authorize(const Actor& actor, Action action, const ObjectRef& object) {
  // Tenant boundary: nothing crosses an organisation, whatever the action.
  if (actor.authenticated() && !object.org_id.empty() && object.org_id != actor.user->org_id) {
    return Decision::deny_forbidden;
  }
  const bool signed_in = actor.authenticated();
  const std::optional<Role> role = signed_in ? std::optional(actor.user->role) : std::nullopt;
  switch (action) {
    case Action::health_read:
    case Action::enrollment_use:
    case Action::session_create:
    case Action::invitation_use:
      return Decision::allow;  // public by design; abuse limits apply instead
    case Action::mfa_verify:
      return actor.pending_mfa_user_id.empty() ? Decision::deny_unauthenticated : Decision::allow;
    case Action::session_delete:
    case Action::own_profile_read:
    case Action::signaling_connect:
    case Action::account_read:
    case Action::mfa_manage:
      return signed_in ? Decision::allow : Decision::deny_unauthenticated;
    case Action::invitation_create: {
      if (!signed_in) return Decision::deny_unauthenticated;
      // Admins invite staff, therapists and admins; therapists invite their patients.
      const bool admin = role == Role::admin, therapist = role == Role::therapist;
      if (object.id.empty()) return admin || therapist ? Decision::allow : Decision::deny_forbidden;
      if (admin && object.id != "patient") return Decision::allow;
      if (therapist && object.id == "patient") return Decision::allow;
      return Decision::deny_forbidden;
    }
    case Action::user_manage:
      if (!signed_in) return Decision::deny_unauthenticated;
      return role == Role::admin ? Decision::allow : Decision::deny_forbidden;
    case Action::patient_record_read:
      if (!signed_in) return Decision::deny_unauthenticated;
      // Clinicians and staff must have MFA before any PHI (care-team rules come later).
      if (role_requires_mfa(*role) && !actor.user->mfa_enabled) return Decision::deny_mfa_required;
      return Decision::deny_forbidden;  // no care-team relationship exists yet
  }
  return Decision::deny_forbidden;  // an action without a rule is denied
}

}  // namespace haven
