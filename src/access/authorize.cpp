#include "access/authorize.h"

#include <algorithm>

namespace haven {

const char* action_name(Action action) {
  switch (action) {
    case Action::health_read:
      return "health_read";
    case Action::enrollment_use:
      return "enrollment_use";
    case Action::session_create:
      return "session_create";
    case Action::session_delete:
      return "session_delete";
    case Action::own_profile_read:
      return "own_profile_read";
    case Action::signaling_connect:
      return "signaling_connect";
    case Action::account_read:
      return "account_read";
    case Action::account_manage:
      return "account_manage";
    case Action::mfa_manage:
      return "mfa_manage";
    case Action::mfa_verify:
      return "mfa_verify";
    case Action::invitation_create:
      return "invitation_create";
    case Action::invitation_use:
      return "invitation_use";
    case Action::password_reset_use:
      return "password_reset_use";
    case Action::user_manage:
      return "user_manage";
    case Action::patient_list:
      return "patient_list";
    case Action::patient_record_read:
      return "patient_record_read";
    case Action::break_glass_request:
      return "break_glass_request";
    case Action::break_glass_review:
      return "break_glass_review";
    case Action::care_team_manage:
      return "care_team_manage";
    case Action::audit_search:
      return "audit_search";
    case Action::disclosure_read:
      return "disclosure_read";
    case Action::cohort_list:
      return "cohort_list";
    case Action::cohort_attendance_read:
      return "cohort_attendance_read";
    case Action::room_create:
      return "room_create";
    case Action::room_list:
      return "room_list";
    case Action::room_end:
      return "room_end";
    case Action::room_breakout:
      return "room_breakout";
    case Action::room_join:
      return "room_join";
    case Action::room_admit:
      return "room_admit";
    case Action::room_moderate:
      return "room_moderate";
    case Action::room_devices_read:
      return "room_devices_read";
    case Action::room_files:
      return "room_files";
    case Action::room_attendance_read:
      return "room_attendance_read";
    case Action::room_note:
      return "room_note";
    case Action::room_safety_confirm:
      return "room_safety_confirm";
    case Action::room_safety_read:
      return "room_safety_read";
    case Action::safety_contact_read:
      return "safety_contact_read";
    case Action::appointment_create:
      return "appointment_create";
    case Action::appointment_list:
      return "appointment_list";
    case Action::appointment_manage:
      return "appointment_manage";
    case Action::appointment_join:
      return "appointment_join";
    case Action::device_manage:
      return "device_manage";
    case Action::contact_devices_read:
      return "contact_devices_read";
    case Action::audit_read:
      return "audit_read";
    case Action::patient_erase:
      return "patient_erase";
  }
  return "unknown";
}

namespace {

// Patients' records: a patient sees their own; therapists and staff with MFA see the
// patients of their care teams, or one they hold an active break-glass grant for;
// admins manage accounts, not records.
Decision authorize_patient_data(const User& user, Action action, const ObjectRef& object) {
  if (user.role == Role::patient) {
    if (action != Action::patient_record_read) return Decision::deny_forbidden;
    return object.id.empty() || object.id == user.id ? Decision::allow : Decision::deny_forbidden;
  }
  if (user.role != Role::therapist && user.role != Role::staff) return Decision::deny_forbidden;
  if (!user.mfa_enabled) return Decision::deny_mfa_required;
  // Empty object: the route-level question "could this actor ever?"; the handler asks again.
  if (action != Action::patient_record_read || object.id.empty()) return Decision::allow;
  return object.in_actors_care_team || object.break_glass_active ? Decision::allow
                                                                 : Decision::deny_forbidden;
}

// Cohorts tell who attends which IOP group, so they are PHI like the patient list: MFA
// first. Admins see every cohort of their practice; therapists and staff those of the
// care teams they are clinicians of.
Decision authorize_cohort(const User& user, const ObjectRef& object) {
  if (user.role == Role::patient) return Decision::deny_forbidden;
  if (!user.mfa_enabled) return Decision::deny_mfa_required;
  // Empty object: the route-level question "could this actor ever?"; the handler asks again.
  if (user.role == Role::admin || object.id.empty()) return Decision::allow;
  return object.in_actors_care_team ? Decision::allow : Decision::deny_forbidden;
}

// Who came to which group session, and for how long, is clinical documentation: the
// clinicians of the cohort's care team read it (behind MFA); an admin, who manages the
// cohort's membership, does not (docs/SESSIONS.md "Weekly attendance per cohort").
Decision authorize_cohort_attendance(const User& user, const ObjectRef& object) {
  if (user.role != Role::therapist && user.role != Role::staff) return Decision::deny_forbidden;
  if (!user.mfa_enabled) return Decision::deny_mfa_required;
  // Empty object: the route-level question "could this actor ever?"; the handler asks again.
  return object.id.empty() || object.in_actors_care_team ? Decision::allow
                                                         : Decision::deny_forbidden;
}

// Video rooms, and the appointments that open them: a therapist schedules or opens one for
// named people; only they and the owner may enter.
// Clinicians need MFA for anything that puts them with a patient; patients do not
// (role_requires_mfa). An empty object is the route-level question.
Decision authorize_room(const User& user, Action action, const ObjectRef& object) {
  if (role_requires_mfa(user.role) && !user.mfa_enabled && (action != Action::room_list)) {
    return Decision::deny_mfa_required;
  }
  switch (action) {
    case Action::room_create:
    case Action::appointment_create:
      return user.role == Role::therapist ? Decision::allow : Decision::deny_forbidden;
    case Action::room_list:
    case Action::appointment_list:
      return Decision::allow;  // the handler lists only the actor's own
    case Action::room_end:
    case Action::room_breakout:
    case Action::room_attendance_read:
    case Action::room_note:
    case Action::room_safety_read:
    case Action::appointment_manage:
      return object.id.empty() || object.actor_is_owner ? Decision::allow
                                                        : Decision::deny_forbidden;
    // The people the clinician meets confirm where they are; the owner is not asked.
    case Action::room_safety_confirm:
      return object.id.empty() || (object.actor_is_participant && !object.actor_is_owner)
                 ? Decision::allow
                 : Decision::deny_forbidden;
    case Action::room_join:
      return object.actor_is_owner || object.actor_is_participant ? Decision::allow
                                                                  : Decision::deny_forbidden;
    case Action::appointment_join:
      return object.id.empty() || object.actor_is_owner || object.actor_is_participant
                 ? Decision::allow
                 : Decision::deny_forbidden;
    // Admission and removal are the host's (docs/E2EE.md); issue 7 adds co-hosts.
    case Action::room_admit:
      // A clinician listed in the room stands in for the host in its MLS group while the
      // host is away (docs/E2EE.md "Stand-in"); who gets into the call stays the host's.
      if (object.actor_is_participant && !object.actor_is_owner &&
          (user.role == Role::therapist || user.role == Role::staff)) {
        return Decision::allow;
      }
      return object.id.empty() || object.actor_is_owner ? Decision::allow
                                                        : Decision::deny_forbidden;
    case Action::room_moderate:
      return object.id.empty() || object.actor_is_owner ? Decision::allow
                                                        : Decision::deny_forbidden;
    case Action::room_devices_read:
    case Action::room_files:
      return object.id.empty() || object.actor_is_owner || object.actor_is_participant
                 ? Decision::allow
                 : Decision::deny_forbidden;
    default:
      return Decision::deny_forbidden;
  }
}

// A guest (docs/SESSIONS.md "Guests") is in Haven for one appointment: its call, that
// call's keys and files, and their own sign-out (and what is public anyway, such as signing
// in with an account or opening another link). Nothing else, whatever the other rules say.
// Open to anyone by design (abuse limits apply instead).
bool public_action(Action action) {
  switch (action) {
    case Action::health_read:
    case Action::enrollment_use:
    case Action::session_create:
    case Action::invitation_use:
    case Action::password_reset_use:
      return true;
    default:
      return false;
  }
}

bool guest_may(Action action) {
  if (public_action(action)) return true;
  switch (action) {
    case Action::mfa_verify:
    case Action::session_delete:
    case Action::own_profile_read:
    case Action::signaling_connect:
    case Action::device_manage:
    case Action::appointment_list:
    case Action::appointment_join:
    case Action::room_list:
    case Action::room_join:
    case Action::room_devices_read:
    case Action::room_files:
    case Action::room_safety_confirm:  // a guest is asked where they are, like a patient
    case Action::safety_contact_read:
      return true;
    default:
      return false;
  }
}

}  // namespace

Decision authorize(const Actor& actor, Action action, const ObjectRef& object) {
  // Tenant boundary: nothing crosses an organisation, whatever the action.
  if (actor.authenticated() && !object.org_id.empty() && object.org_id != actor.user->org_id) {
    return Decision::deny_forbidden;
  }
  if (actor.authenticated() && actor.user->role == Role::guest && !guest_may(action)) {
    return Decision::deny_forbidden;
  }
  const bool signed_in = actor.authenticated();
  const std::optional<Role> role = signed_in ? std::optional(actor.user->role) : std::nullopt;
  switch (action) {
    case Action::health_read:
    case Action::enrollment_use:
    case Action::session_create:
    case Action::invitation_use:
    case Action::password_reset_use:
      return Decision::allow;  // public_action(): abuse limits apply instead
    case Action::mfa_verify:
      return actor.pending_mfa_user_id.empty() ? Decision::deny_unauthenticated : Decision::allow;
    case Action::session_delete:
    case Action::own_profile_read:
    case Action::signaling_connect:
    case Action::account_read:
    case Action::account_manage:
    case Action::mfa_manage:
    case Action::safety_contact_read:  // one's own, answered from one's own rows only
      return signed_in ? Decision::allow : Decision::deny_unauthenticated;
    case Action::invitation_create: {
      if (!signed_in) return Decision::deny_unauthenticated;
      // Admins invite staff, therapists and admins; therapists invite their patients.
      const bool admin = role == Role::admin, therapist = role == Role::therapist;
      if (object.id.empty()) return admin || therapist ? Decision::allow : Decision::deny_forbidden;
      if (admin && object.id != "patient") return Decision::allow;
      // A patient invitation names a patient of this therapist (PHI): MFA first, like
      // every other PHI action of a clinician.
      if (therapist && object.id == "patient") {
        return actor.user->mfa_enabled ? Decision::allow : Decision::deny_mfa_required;
      }
      return Decision::deny_forbidden;
    }
    case Action::disclosure_read:
      if (!signed_in) return Decision::deny_unauthenticated;
      return role == Role::patient ? Decision::allow : Decision::deny_forbidden;
    case Action::user_manage:
    case Action::break_glass_review:
    case Action::audit_search:
    case Action::audit_read:
    case Action::patient_erase:
      // The people list names patients, break-glass reasons are clinical, and audit
      // entries say who touched whose record: MFA first.
      if (!signed_in) return Decision::deny_unauthenticated;
      if (role != Role::admin) return Decision::deny_forbidden;
      return actor.user->mfa_enabled ? Decision::allow : Decision::deny_mfa_required;
    case Action::care_team_manage:
      if (!signed_in) return Decision::deny_unauthenticated;
      return role == Role::admin ? Decision::allow : Decision::deny_forbidden;
    case Action::cohort_list:
      if (!signed_in) return Decision::deny_unauthenticated;
      return authorize_cohort(*actor.user, object);
    case Action::cohort_attendance_read:
      if (!signed_in) return Decision::deny_unauthenticated;
      return authorize_cohort_attendance(*actor.user, object);
    case Action::room_create:
    case Action::room_list:
    case Action::room_end:
    case Action::room_breakout:
    case Action::room_join:
    case Action::room_admit:
    case Action::room_moderate:
    case Action::room_devices_read:
    case Action::room_files:
    case Action::room_attendance_read:
    case Action::room_note:
    case Action::room_safety_confirm:
    case Action::room_safety_read:
    case Action::appointment_create:
    case Action::appointment_list:
    case Action::appointment_manage:
    case Action::appointment_join:
      if (!signed_in) return Decision::deny_unauthenticated;
      return authorize_room(*actor.user, action, object);
    case Action::contact_devices_read:
      // Whom one is in care with is PHI for a clinician (their patients): MFA first, as for
      // the patient list. Admins are in nobody's care team.
      if (!signed_in) return Decision::deny_unauthenticated;
      if (role == Role::admin) return Decision::deny_forbidden;
      if (role_requires_mfa(actor.user->role) && !actor.user->mfa_enabled) {
        return Decision::deny_mfa_required;
      }
      return Decision::allow;
    case Action::device_manage:
      // A device key lets its holder into encrypted sessions: staff register one only
      // behind their second factor; patients, who join without MFA, may too.
      if (!signed_in) return Decision::deny_unauthenticated;
      if (role_requires_mfa(actor.user->role) && !actor.user->mfa_enabled) {
        return Decision::deny_mfa_required;
      }
      return object.id.empty() || object.actor_is_owner ? Decision::allow
                                                        : Decision::deny_forbidden;
    case Action::patient_list:
    case Action::break_glass_request:
    case Action::patient_record_read:
      if (!signed_in) return Decision::deny_unauthenticated;
      return authorize_patient_data(*actor.user, action, object);
  }
  return Decision::deny_forbidden;  // an action without a rule is denied
}

ObjectRef appointment_ref(const Appointment& appointment, const std::string& actor_id) {
  ObjectRef ref{"appointment", appointment.id, appointment.org_id};
  ref.actor_is_owner = appointment.owner_id == actor_id;
  ref.actor_is_participant = appointment.admits(actor_id);
  return ref;
}

ObjectRef cohort_ref(const Cohort& cohort, const std::vector<std::string>& clinician_team_ids) {
  ObjectRef ref{"cohort", cohort.id, cohort.org_id};
  ref.in_actors_care_team = std::find(clinician_team_ids.begin(), clinician_team_ids.end(),
                                      cohort.care_team_id) != clinician_team_ids.end();
  return ref;
}

ObjectRef room_ref(const Room& room, const std::string& actor_id) {
  ObjectRef ref{"room", room.id, room.org_id};
  ref.actor_is_owner = room.owner_id == actor_id;
  ref.actor_is_participant = room.admits(actor_id);
  return ref;
}

}  // namespace haven
