// The authorization matrix: every API endpoint x every kind of actor, with the expected
// answer. Adding an endpoint without adding it here fails EveryRouteIsInTheMatrix.
#include <gtest/gtest.h>

#include <set>

#include "access/authorize.h"
#include "api/route_table.h"

namespace haven {
namespace {

constexpr Decision A = Decision::allow;
constexpr Decision U = Decision::deny_unauthenticated;
constexpr Decision F = Decision::deny_forbidden;
constexpr Decision M = Decision::deny_mfa_required;  // actors in the matrix have no MFA

// Columns: anonymous, admin, therapist, staff, patient, a disabled admin, and an anonymous
// caller holding a pending second-factor challenge (between password and MFA code).
struct Row {
  http::verb method;
  const char* path;
  Action action;
  Decision anonymous, admin, therapist, staff, patient, disabled, pending_mfa;
};

const std::vector<Row> kMatrix = {
    {http::verb::get, "/healthz", Action::health_read, A, A, A, A, A, A, A},
    {http::verb::get, "/readyz", Action::health_read, A, A, A, A, A, A, A},
    {http::verb::get, "/api/version", Action::health_read, A, A, A, A, A, A, A},
    {http::verb::post, "/api/enrollment/check", Action::enrollment_use, A, A, A, A, A, A, A},
    {http::verb::post, "/api/enrollment/complete", Action::enrollment_use, A, A, A, A, A, A, A},
    {http::verb::post, "/api/session", Action::session_create, A, A, A, A, A, A, A},
    {http::verb::delete_, "/api/session", Action::session_delete, U, A, A, A, A, U, U},
    {http::verb::get, "/api/me", Action::own_profile_read, U, A, A, A, A, U, U},
    {http::verb::post, "/api/session/mfa", Action::mfa_verify, U, U, U, U, U, U, A},
    {http::verb::get, "/api/account/security", Action::account_read, U, A, A, A, A, U, U},
    {http::verb::post, "/api/mfa/totp/setup", Action::mfa_manage, U, A, A, A, A, U, U},
    {http::verb::post, "/api/mfa/totp/confirm", Action::mfa_manage, U, A, A, A, A, U, U},
    {http::verb::post, "/api/mfa/recovery-codes", Action::mfa_manage, U, A, A, A, A, U, U},
    {http::verb::post, "/api/webauthn/register/options", Action::mfa_manage, U, A, A, A, A, U, U},
    {http::verb::post, "/api/webauthn/register", Action::mfa_manage, U, A, A, A, A, U, U},
    {http::verb::post, "/api/session/webauthn/options", Action::mfa_verify, U, U, U, U, U, U, A},
    {http::verb::post, "/api/session/webauthn", Action::mfa_verify, U, U, U, U, U, U, A},
    {http::verb::get, "/api/account/sessions", Action::account_read, U, A, A, A, A, U, U},
    {http::verb::post, "/api/account/sessions/revoke", Action::account_manage, U, A, A, A, A, U, U},
    {http::verb::post, "/api/account/sign-out-everywhere", Action::account_manage, U, A, A, A, A, U,
     U},
    {http::verb::post, "/api/account/password", Action::account_manage, U, A, A, A, A, U, U},
    {http::verb::post, "/api/account/email", Action::account_manage, U, A, A, A, A, U, U},
    {http::verb::post, "/api/session/passkey/options", Action::session_create, A, A, A, A, A, A, A},
    {http::verb::post, "/api/session/passkey", Action::session_create, A, A, A, A, A, A, A},
    {http::verb::post, "/api/password-reset/check", Action::password_reset_use, A, A, A, A, A, A,
     A},
    {http::verb::post, "/api/password-reset/accept", Action::password_reset_use, A, A, A, A, A, A,
     A},
    {http::verb::get, "/api/patients", Action::patient_list, U, F, M, M, F, U, U},
    {http::verb::get, "/api/patients/:id", Action::patient_record_read, U, F, M, M, A, U, U},
    {http::verb::post, "/api/break-glass", Action::break_glass_request, U, F, M, M, F, U, U},
    {http::verb::get, "/api/break-glass", Action::break_glass_review, U, M, F, F, F, U, U},
    {http::verb::get, "/api/care-teams", Action::care_team_manage, U, A, F, F, F, U, U},
    {http::verb::post, "/api/care-teams", Action::care_team_manage, U, A, F, F, F, U, U},
    {http::verb::post, "/api/care-teams/:id/members", Action::care_team_manage, U, A, F, F, F, U,
     U},
    {http::verb::get, "/api/cohorts", Action::cohort_list, U, M, M, M, F, U, U},
    {http::verb::post, "/api/cohorts", Action::care_team_manage, U, A, F, F, F, U, U},
    {http::verb::post, "/api/cohorts/:id/members", Action::care_team_manage, U, A, F, F, F, U, U},
    {http::verb::post, "/api/cohorts/:id/attendance", Action::cohort_attendance_read, U, F, M, M, F,
     U, U},
    {http::verb::post, "/api/invitations", Action::invitation_create, U, A, A, F, F, U, U},
    {http::verb::post, "/api/invitations/check", Action::invitation_use, A, A, A, A, A, A, A},
    {http::verb::post, "/api/invitations/accept", Action::invitation_use, A, A, A, A, A, A, A},
    {http::verb::get, "/api/users", Action::user_manage, U, M, F, F, F, U, U},
    {http::verb::post, "/api/audit/search", Action::audit_search, U, M, F, F, F, U, U},
    {http::verb::post, "/api/audit/export", Action::audit_search, U, M, F, F, F, U, U},
    {http::verb::get, "/api/me/disclosures", Action::disclosure_read, U, F, F, F, A, U, U},
    {http::verb::post, "/api/users/disable", Action::user_manage, U, M, F, F, F, U, U},
    {http::verb::post, "/api/users/enable", Action::user_manage, U, M, F, F, F, U, U},
    {http::verb::post, "/api/users/unlock", Action::user_manage, U, M, F, F, F, U, U},
    {http::verb::post, "/api/users/reset-mfa", Action::user_manage, U, M, F, F, F, U, U},
    {http::verb::post, "/api/users/role", Action::user_manage, U, M, F, F, F, U, U},
    {http::verb::post, "/api/users/reset-password", Action::user_manage, U, M, F, F, F, U, U},
    {http::verb::get, "/api/audit/checkpoint", Action::audit_read, U, M, F, F, F, U, U},
    {http::verb::get, "/api/audit/entries/:id/proof", Action::audit_read, U, M, F, F, F, U, U},
    {http::verb::post, "/api/audit/consistency", Action::audit_read, U, M, F, F, F, U, U},
    {http::verb::post, "/api/patients/:id/erase", Action::patient_erase, U, M, F, F, F, U, U},
    {http::verb::post, "/api/rooms", Action::room_create, U, M, M, M, F, U, U},
    {http::verb::get, "/api/rooms", Action::room_list, U, A, A, A, A, U, U},
    {http::verb::get, "/api/rooms/:id", Action::room_list, U, A, A, A, A, U, U},
    {http::verb::post, "/api/rooms/:id/end", Action::room_end, U, M, M, M, A, U, U},
    {http::verb::post, "/api/rooms/:id/breakout", Action::room_breakout, U, M, M, M, A, U, U},
    {http::verb::get, "/api/rooms/:id/attendance", Action::room_attendance_read, U, M, M, M, A, U,
     U},
    {http::verb::get, "/api/rooms/:id/note", Action::room_note, U, M, M, M, A, U, U},
    {http::verb::post, "/api/rooms/:id/note", Action::room_note, U, M, M, M, A, U, U},
    {http::verb::post, "/api/rooms/:id/safety", Action::room_safety_confirm, U, M, M, M, A, U, U},
    {http::verb::get, "/api/rooms/:id/safety", Action::room_safety_read, U, M, M, M, A, U, U},
    {http::verb::get, "/api/account/safety-contact", Action::safety_contact_read, U, A, A, A, A, U,
     U},
    {http::verb::post, "/api/rooms/:id/key-packages/claim", Action::room_admit, U, M, M, M, A, U,
     U},
    {http::verb::post, "/api/appointments", Action::appointment_create, U, M, M, M, F, U, U},
    {http::verb::get, "/api/appointments", Action::appointment_list, U, M, M, M, A, U, U},
    {http::verb::post, "/api/appointments/:id/reschedule", Action::appointment_manage, U, M, M, M,
     A, U, U},
    {http::verb::post, "/api/appointments/:id/cancel", Action::appointment_manage, U, M, M, M, A, U,
     U},
    {http::verb::post, "/api/appointments/:id/join", Action::appointment_join, U, M, M, M, A, U, U},
    {http::verb::get, "/api/appointments/:id/ics", Action::appointment_join, U, M, M, M, A, U, U},
    {http::verb::post, "/api/appointments/:id/guests", Action::appointment_manage, U, M, M, M, A, U,
     U},
    {http::verb::post, "/api/guests/:id/revoke", Action::appointment_manage, U, M, M, M, A, U, U},
    {http::verb::post, "/api/guests/accept", Action::invitation_use, A, A, A, A, A, A, A},
    {http::verb::get, "/api/rooms/:id/devices", Action::room_devices_read, U, M, M, M, A, U, U},
    {http::verb::get, "/api/contacts/devices", Action::contact_devices_read, U, F, M, M, A, U, U},
    {http::verb::post, "/api/rooms/:id/files", Action::room_files, U, M, M, M, A, U, U},
    {http::verb::get, "/api/files/:id", Action::room_files, U, M, M, M, A, U, U},
    {http::verb::post, "/api/devices", Action::device_manage, U, M, M, M, A, U, U},
    {http::verb::get, "/api/devices", Action::device_manage, U, M, M, M, A, U, U},
    {http::verb::post, "/api/devices/:id/revoke", Action::device_manage, U, M, M, M, A, U, U},
    {http::verb::post, "/api/devices/:id/key-packages", Action::device_manage, U, M, M, M, A, U, U},
};

Actor actor_with(std::optional<Role> role, bool disabled = false) {
  Actor a;
  if (role) {
    User u;
    u.id = "u1";
    u.org_id = "org1";
    u.role = *role;
    u.disabled = disabled;
    a.user = u;
  }
  return a;
}

TEST(AuthorizationMatrix, EveryRouteIsInTheMatrix) {
  std::set<std::pair<int, std::string>> listed;
  for (auto& row : kMatrix) listed.insert({static_cast<int>(row.method), row.path});
  for (auto& route : api_routes()) {
    bool found = false;
    for (auto& row : kMatrix) {
      if (row.method == route.method && route.path == row.path) {
        found = true;
        EXPECT_EQ(row.action, route.action) << route.path;
      }
    }
    EXPECT_TRUE(found) << "endpoint missing from the authorization matrix: "
                       << http::to_string(route.method) << " " << route.path;
  }
  EXPECT_EQ(listed.size(), api_routes().size()) << "matrix lists an endpoint that does not exist";
}

TEST(AuthorizationMatrix, EveryActorGetsTheExpectedAnswer) {
  for (auto& row : kMatrix) {
    SCOPED_TRACE(row.path);
    EXPECT_EQ(authorize(actor_with(std::nullopt), row.action), row.anonymous);
    EXPECT_EQ(authorize(actor_with(Role::admin), row.action), row.admin);
    EXPECT_EQ(authorize(actor_with(Role::therapist), row.action), row.therapist);
    EXPECT_EQ(authorize(actor_with(Role::staff), row.action), row.staff);
    EXPECT_EQ(authorize(actor_with(Role::patient), row.action), row.patient);
    EXPECT_EQ(authorize(actor_with(Role::admin, /*disabled=*/true), row.action), row.disabled);
    Actor pending;
    pending.pending_mfa_user_id = "u9";
    EXPECT_EQ(authorize(pending, row.action), row.pending_mfa);
  }
}

// A guest (docs/SESSIONS.md "Guests") gets what a patient gets on these routes, the public
// ones and those of their one call; everything else is forbidden.
TEST(AuthorizationMatrix, GuestsReachOnlyTheirCall) {
  const std::set<std::string> guest_routes = {"/healthz",
                                              "/readyz",
                                              "/api/version",
                                              "/api/enrollment/check",
                                              "/api/enrollment/complete",
                                              "/api/session",
                                              "/api/me",
                                              "/api/session/mfa",
                                              "/api/session/webauthn/options",
                                              "/api/session/webauthn",
                                              "/api/session/passkey/options",
                                              "/api/session/passkey",
                                              "/api/password-reset/check",
                                              "/api/password-reset/accept",
                                              "/api/invitations/check",
                                              "/api/invitations/accept",
                                              "/api/guests/accept",
                                              "/ws",
                                              "/api/rooms",
                                              "/api/rooms/:id",
                                              "/api/appointments",
                                              "/api/appointments/:id/join",
                                              "/api/appointments/:id/ics",
                                              "/api/rooms/:id/devices",
                                              "/api/rooms/:id/files",
                                              "/api/files/:id",
                                              "/api/devices",
                                              "/api/devices/:id/revoke",
                                              "/api/devices/:id/key-packages",
                                              "/api/rooms/:id/safety",
                                              "/api/account/safety-contact"};
  const Actor guest = actor_with(Role::guest);
  for (auto& row : kMatrix) {
    SCOPED_TRACE(row.path);
    // A guest never owns a room, so never reads its safety checks (they confirm their own).
    const bool host_only = row.action == Action::room_create ||
                           row.action == Action::appointment_create ||
                           row.action == Action::room_safety_read;
    const Decision expected = guest_routes.contains(row.path) && !host_only ? row.patient : F;
    EXPECT_EQ(authorize(guest, row.action), expected);
  }
}

// Object-level relationships: who may invite whom, and whose account an admin may manage.
TEST(AuthorizationMatrix, InvitationRoles) {
  auto invite = [](std::optional<Role> as, const char* role, const char* org = "org1") {
    return authorize(actor_with(as), Action::invitation_create, {"role", role, org});
  };
  for (auto role : {"admin", "therapist", "staff"}) EXPECT_EQ(invite(Role::admin, role), A) << role;
  EXPECT_EQ(invite(Role::admin, "patient"), F);      // patients are invited by their therapist
  EXPECT_EQ(invite(Role::therapist, "patient"), M);  // the invitation names a patient: MFA first
  Actor therapist = actor_with(Role::therapist);
  therapist.user->mfa_enabled = true;
  EXPECT_EQ(authorize(therapist, Action::invitation_create, {"role", "patient", "org1"}), A);
  for (auto role : {"admin", "therapist", "staff"}) EXPECT_EQ(invite(Role::therapist, role), F);
  EXPECT_EQ(invite(Role::staff, "patient"), F);
  EXPECT_EQ(invite(Role::patient, "patient"), F);
  EXPECT_EQ(invite(Role::admin, "staff", "org2"), F);  // other tenant
}

// A patient record by relationship: own patient, another therapist's patient, break-glass,
// the patient themself, another tenant.
TEST(AuthorizationMatrix, PatientRecordByRelationship) {
  Actor therapist = actor_with(Role::therapist);
  therapist.user->mfa_enabled = true;
  ObjectRef own{"patient", "p1", "org1", /*in_actors_care_team=*/true, false};
  ObjectRef others{"patient", "p2", "org1", false, false};
  ObjectRef glass{"patient", "p2", "org1", false, /*break_glass_active=*/true};
  ObjectRef other_tenant{"patient", "p3", "org2", true, true};
  EXPECT_EQ(authorize(therapist, Action::patient_record_read, own), A);
  EXPECT_EQ(authorize(therapist, Action::patient_record_read, others), F);
  EXPECT_EQ(authorize(therapist, Action::patient_record_read, glass), A);
  EXPECT_EQ(authorize(therapist, Action::patient_record_read, other_tenant), F);
  Actor patient = actor_with(Role::patient);
  EXPECT_EQ(authorize(patient, Action::patient_record_read, {"patient", "u1", "org1"}), A);
  EXPECT_EQ(authorize(patient, Action::patient_record_read, {"patient", "p2", "org1", true, true}),
            F);
  Actor admin = actor_with(Role::admin);
  admin.user->mfa_enabled = true;
  EXPECT_EQ(authorize(admin, Action::patient_record_read, own), F);
}

// A cohort by relationship: admins see every cohort of their practice, therapists and
// staff those of their care teams; MFA first; patients never; another tenant never.
TEST(AuthorizationMatrix, CohortByRelationship) {
  ObjectRef own{"cohort", "c1", "org1", /*in_actors_care_team=*/true, false};
  ObjectRef others{"cohort", "c2", "org1", false, false};
  ObjectRef other_tenant{"cohort", "c3", "org2", true, false};
  Actor admin = actor_with(Role::admin);
  EXPECT_EQ(authorize(admin, Action::cohort_list, others), M);
  admin.user->mfa_enabled = true;
  EXPECT_EQ(authorize(admin, Action::cohort_list, others), A);
  EXPECT_EQ(authorize(admin, Action::cohort_list, other_tenant), F);
  for (auto role : {Role::therapist, Role::staff}) {
    Actor clinician = actor_with(role);
    EXPECT_EQ(authorize(clinician, Action::cohort_list, own), M);
    clinician.user->mfa_enabled = true;
    EXPECT_EQ(authorize(clinician, Action::cohort_list), A);  // route level
    EXPECT_EQ(authorize(clinician, Action::cohort_list, own), A);
    EXPECT_EQ(authorize(clinician, Action::cohort_list, others), F);
    EXPECT_EQ(authorize(clinician, Action::cohort_list, other_tenant), F);
  }
  Actor patient = actor_with(Role::patient);
  patient.user->mfa_enabled = true;
  EXPECT_EQ(authorize(patient, Action::cohort_list), F);
  EXPECT_EQ(authorize(patient, Action::cohort_list, own), F);
}

// A cohort's attendance is clinical documentation: only the clinicians of its care team
// read it, behind MFA; the admin who manages the cohort does not; patients never.
TEST(AuthorizationMatrix, CohortAttendanceByRelationship) {
  ObjectRef own{"cohort", "c1", "org1", /*in_actors_care_team=*/true, false};
  ObjectRef others{"cohort", "c2", "org1", false, false};
  ObjectRef other_tenant{"cohort", "c3", "org2", true, false};
  for (auto role : {Role::therapist, Role::staff}) {
    Actor clinician = actor_with(role);
    EXPECT_EQ(authorize(clinician, Action::cohort_attendance_read, own), M);
    clinician.user->mfa_enabled = true;
    EXPECT_EQ(authorize(clinician, Action::cohort_attendance_read, own), A);
    EXPECT_EQ(authorize(clinician, Action::cohort_attendance_read, others), F);
    EXPECT_EQ(authorize(clinician, Action::cohort_attendance_read, other_tenant), F);
  }
  for (auto role : {Role::admin, Role::patient, Role::guest}) {
    Actor other = actor_with(role);
    other.user->mfa_enabled = true;
    EXPECT_EQ(authorize(other, Action::cohort_attendance_read, own), F);
  }
}

// A room by relationship: only its owner and listed people join; only the owner ends it;
// clinicians need MFA, patients do not; another practice's room never.
TEST(AuthorizationMatrix, RoomByRelationship) {
  ObjectRef owned{"room", "r1", "org1"};
  owned.actor_is_owner = true;
  ObjectRef listed{"room", "r2", "org1"};
  listed.actor_is_participant = true;
  ObjectRef stranger{"room", "r3", "org1"};
  ObjectRef other_tenant = owned;
  other_tenant.org_id = "org2";
  Actor therapist = actor_with(Role::therapist);
  EXPECT_EQ(authorize(therapist, Action::room_join, owned), M);
  therapist.user->mfa_enabled = true;
  EXPECT_EQ(authorize(therapist, Action::room_create), A);
  EXPECT_EQ(authorize(therapist, Action::room_join, owned), A);
  EXPECT_EQ(authorize(therapist, Action::room_join, listed), A);
  EXPECT_EQ(authorize(therapist, Action::room_join, stranger), F);
  EXPECT_EQ(authorize(therapist, Action::room_join, other_tenant), F);
  EXPECT_EQ(authorize(therapist, Action::room_end, owned), A);
  EXPECT_EQ(authorize(therapist, Action::room_end, listed), F);
  Actor patient = actor_with(Role::patient);
  EXPECT_EQ(authorize(patient, Action::room_create), F);
  EXPECT_EQ(authorize(patient, Action::room_join, listed), A);
  EXPECT_EQ(authorize(patient, Action::room_join, stranger), F);
  EXPECT_EQ(authorize(patient, Action::room_end, listed), F);
  for (auto role : {Role::admin, Role::staff}) {
    Actor with_mfa = actor_with(role);
    with_mfa.user->mfa_enabled = true;
    EXPECT_EQ(authorize(with_mfa, Action::room_create), F);
    EXPECT_EQ(authorize(with_mfa, Action::room_join, listed), A);
  }
  EXPECT_EQ(authorize(actor_with(std::nullopt), Action::room_join, listed), U);
}

// Admission into a room's MLS group is the host's (or a clinician standing in for them);
// removal from its call is the host's; every person of the
// room may read its device keys; a device is managed only by its owner.
TEST(AuthorizationMatrix, AdmissionAndDevicesByRelationship) {
  ObjectRef owned{"room", "r1", "org1"};
  owned.actor_is_owner = true;
  ObjectRef listed{"room", "r2", "org1"};
  listed.actor_is_participant = true;
  ObjectRef stranger{"room", "r3", "org1"};
  Actor therapist = actor_with(Role::therapist);
  EXPECT_EQ(authorize(therapist, Action::room_admit, owned), M);
  therapist.user->mfa_enabled = true;
  EXPECT_EQ(authorize(therapist, Action::room_admit, owned), A);
  // A clinician listed in the room stands in for an absent host in its group (not the call).
  EXPECT_EQ(authorize(therapist, Action::room_admit, listed), A);
  EXPECT_EQ(authorize(therapist, Action::room_admit, stranger), F);
  EXPECT_EQ(authorize(therapist, Action::room_moderate, owned), A);  // room.remove on /ws
  EXPECT_EQ(authorize(therapist, Action::room_moderate, listed), F);
  EXPECT_EQ(authorize(therapist, Action::room_devices_read, listed), A);
  EXPECT_EQ(authorize(therapist, Action::room_devices_read, stranger), F);
  Actor patient = actor_with(Role::patient);
  EXPECT_EQ(authorize(patient, Action::room_admit, listed), F);
  EXPECT_EQ(authorize(patient, Action::room_moderate, listed), F);
  EXPECT_EQ(authorize(actor_with(std::nullopt), Action::room_moderate, owned), U);
  EXPECT_EQ(authorize(patient, Action::room_devices_read, listed), A);
  EXPECT_EQ(authorize(patient, Action::room_devices_read, stranger), F);
  EXPECT_EQ(authorize(patient, Action::room_files, listed), A);
  EXPECT_EQ(authorize(patient, Action::room_files, stranger), F);
  // Appointments: the owner manages, the invited join, strangers get nothing.
  EXPECT_EQ(authorize(therapist, Action::appointment_manage, owned), A);
  EXPECT_EQ(authorize(therapist, Action::appointment_manage, listed), F);
  EXPECT_EQ(authorize(patient, Action::appointment_manage, listed), F);
  EXPECT_EQ(authorize(patient, Action::appointment_join, listed), A);
  EXPECT_EQ(authorize(patient, Action::appointment_join, stranger), F);
  EXPECT_EQ(authorize(patient, Action::appointment_create), F);
  EXPECT_EQ(authorize(therapist, Action::room_attendance_read, owned), A);
  EXPECT_EQ(authorize(patient, Action::room_attendance_read, listed), F);
  EXPECT_EQ(authorize(therapist, Action::room_note, owned), A);
  EXPECT_EQ(authorize(patient, Action::room_note, listed), F);
  // The safety check: the people of the room confirm, the owner (never asked) reads.
  EXPECT_EQ(authorize(patient, Action::room_safety_confirm, listed), A);
  EXPECT_EQ(authorize(patient, Action::room_safety_confirm, stranger), F);
  EXPECT_EQ(authorize(actor_with(Role::guest), Action::room_safety_confirm, listed), A);
  ObjectRef hosted = owned;
  hosted.actor_is_participant = true;  // Room::admits() counts the owner in
  EXPECT_EQ(authorize(therapist, Action::room_safety_confirm, hosted), F);
  EXPECT_EQ(authorize(therapist, Action::room_safety_read, owned), A);
  EXPECT_EQ(authorize(therapist, Action::room_safety_read, listed), F);
  EXPECT_EQ(authorize(patient, Action::room_safety_read, listed), F);
  EXPECT_EQ(authorize(actor_with(Role::guest), Action::room_safety_read, listed), F);
  EXPECT_EQ(authorize(actor_with(std::nullopt), Action::room_safety_read, owned), U);
  ObjectRef own_device{"device", "d1", ""};
  own_device.actor_is_owner = true;
  ObjectRef other_device{"device", "d2", ""};
  EXPECT_EQ(authorize(patient, Action::device_manage, own_device), A);
  EXPECT_EQ(authorize(patient, Action::device_manage, other_device), F);
  EXPECT_EQ(authorize(actor_with(Role::staff), Action::device_manage, own_device), M);
  EXPECT_EQ(authorize(actor_with(std::nullopt), Action::device_manage, own_device), U);
}

// The audit log says who touched whose record: admins with MFA only.
TEST(AuthorizationMatrix, AuditLogNeedsAnAdminWithMfa) {
  for (auto role : {Role::admin, Role::therapist, Role::staff, Role::patient}) {
    Actor with_mfa = actor_with(role);
    with_mfa.user->mfa_enabled = true;
    EXPECT_EQ(authorize(with_mfa, Action::audit_read), role == Role::admin ? A : F);
  }
  EXPECT_EQ(authorize(actor_with(Role::admin), Action::audit_read), M);
}

// Erasing a patient destroys their records: admins with MFA only, in their own practice.
TEST(AuthorizationMatrix, PatientErasureNeedsAnAdminWithMfa) {
  for (auto role : {Role::admin, Role::therapist, Role::staff, Role::patient}) {
    Actor with_mfa = actor_with(role);
    with_mfa.user->mfa_enabled = true;
    EXPECT_EQ(authorize(with_mfa, Action::patient_erase), role == Role::admin ? A : F);
  }
  EXPECT_EQ(authorize(actor_with(Role::admin), Action::patient_erase), M);
  Actor admin = actor_with(Role::admin);
  admin.user->mfa_enabled = true;
  EXPECT_EQ(authorize(admin, Action::patient_erase, {"patient", "p1", "org1"}), A);
  EXPECT_EQ(authorize(admin, Action::patient_erase, {"patient", "p1", "org2"}), F);
}

TEST(AuthorizationMatrix, ManagingAnotherPracticesUserIsForbidden) {
  Actor admin = actor_with(Role::admin);
  admin.user->mfa_enabled = true;
  EXPECT_EQ(authorize(admin, Action::user_manage, {"user", "u2", "org1"}), A);
  EXPECT_EQ(authorize(admin, Action::user_manage, {"user", "u2", "org2"}), F);
}

TEST(AuthorizationMatrix, PhiNeedsMfaForCliniciansAndStaff) {
  EXPECT_EQ(authorize(actor_with(Role::admin), Action::patient_record_read), F);
  for (auto role : {Role::therapist, Role::staff}) {
    EXPECT_EQ(authorize(actor_with(role), Action::patient_record_read),
              Decision::deny_mfa_required);
    Actor with_mfa = actor_with(role);
    with_mfa.user->mfa_enabled = true;
    EXPECT_NE(authorize(with_mfa, Action::patient_record_read), Decision::deny_mfa_required);
  }
  EXPECT_NE(authorize(actor_with(Role::patient), Action::patient_record_read),
            Decision::deny_mfa_required);
}

TEST(AuthorizationMatrix, NothingCrossesTheTenantBoundary) {
  ObjectRef other_org{"user", "u2", "org2"};
  for (auto role : {Role::admin, Role::therapist, Role::staff, Role::patient}) {
    EXPECT_EQ(authorize(actor_with(role), Action::own_profile_read, other_org),
              Decision::deny_forbidden);
  }
}

}  // namespace
}  // namespace haven
