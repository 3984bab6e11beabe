// The one policy point: every request is checked here, by action, before its handler runs.
// The authorization matrix test (tests/unit/authorization_matrix_test.cpp) lists every
// route with its action and the expected answer for every kind of actor.
#pragma once

#include <optional>
#include <string>

#include "store/repositories.h"

namespace haven {

struct Actor {
  std::optional<User> user;         // nullopt: anonymous
  std::string pending_mfa_user_id;  // set only on the second sign-in step
  bool authenticated() const { return user.has_value() && !user->disabled; }
};

enum class Action {
  health_read,         // /healthz, /readyz, /api/version
  enrollment_use,      // check or complete a first-admin enrollment token
  session_create,      // sign in
  session_delete,      // sign out
  own_profile_read,    // /api/me
  signaling_connect,   // the /ws WebSocket
  account_read,        // own security settings
  account_manage,      // own sessions and password
  mfa_manage,          // enrol own TOTP
  mfa_verify,          // second sign-in step (holder of a pending MFA challenge)
  invitation_create,   // object: {type "role", id = the invited role}
  invitation_use,      // check or accept an invitation link
  password_reset_use,  // check or complete an admin-issued password reset link
  user_manage,   // list, disable, enable, unlock, reset MFA, role, reset link; object: target user
  patient_list,  // the patients of the actor's care teams
  patient_record_read,     // PHI of one patient; object: the patient with relationship facts
  break_glass_request,     // emergency access to a patient outside the actor's care teams
  break_glass_review,      // admins see every break-glass grant
  care_team_manage,        // admins create care teams and cohorts and set their members
  cohort_list,             // IOP cohorts; object: a cohort with in_actors_care_team
  cohort_attendance_read,  // a cohort's weekly attendance report; object: as cohort_list
  audit_search,            // admins search and export the audit trail
  disclosure_read,         // a patient's own accounting of disclosures (who read my record)
  audit_read,              // the audit log's checkpoints and proofs (admins with MFA)
  patient_erase,           // crypto-shred a patient (admins with MFA); object: the patient
  room_create,             // therapists with MFA open a video room for named people
  room_list,               // the open rooms the actor owns or may join
  room_end,                // the owner ends a room; object: the room
  room_breakout,           // the owner moves some of its people into a private check-in;
                           // object: the room
  room_join,               // enter a room's call over /ws; object: the room
  room_admit,              // add someone to a room's MLS group (claim their KeyPackages,
                           // send a Welcome); object: the room
  room_moderate,           // take someone out of a room's call (room.remove); object: the room
  room_devices_read,       // the device keys of a room's people; object: the room
  room_files,              // upload and download a room's encrypted files; object: the room
  room_attendance_read,    // who was in a room's call and when; object: the room (its owner)
  room_note,               // read and write the session's note; object: the room (its owner)
  room_safety_confirm,     // a person of the room other than its owner confirms where they are
                           // and their emergency contact; object: the room
  room_safety_read,        // the room's owner reads those confirmations; object: the room
  safety_contact_read,     // one's own last emergency contact (the pre-join prefills it)
  appointment_create,      // therapists with MFA schedule a session for named people
  appointment_list,        // the appointments the actor owns or is invited to
  appointment_manage,      // the owner reschedules or cancels; object: the appointment
  appointment_join,        // the owner and the invited open its room, get its .ics; object: it
  contact_devices_read,    // the device keys of the people one is in care with (patients:
                           // their clinicians; clinicians: their patients), to announce new ones
  device_manage,           // register, list, revoke own devices, upload their KeyPackages;
                           // object: a device (actor_is_owner)
};
const char* action_name(Action action);

// What an action is performed on. Empty for actions on the actor's own account, and at
// the route level (the handler asks again with the concrete object); later issues add
// patients, care teams, appointments and their owners here.
struct ObjectRef {
  std::string type;
  std::string id;
  std::string org_id;
  // For patients: facts the handler looked up about the actor's relationship to them.
  // For cohorts: in_actors_care_team = the actor is a clinician of the cohort's care team.
  bool in_actors_care_team = false;
  bool break_glass_active = false;
  // For rooms and appointments: the actor created it / is listed in it (or created it).
  bool actor_is_owner = false;
  bool actor_is_participant = false;
};

enum class Decision { allow, deny_unauthenticated, deny_forbidden, deny_mfa_required };

Decision authorize(const Actor& actor, Action action, const ObjectRef& object = {});

// A room as the object of a room action by `actor_id` (owner / participant facts filled).
ObjectRef room_ref(const Room& room, const std::string& actor_id);
ObjectRef appointment_ref(const Appointment& appointment, const std::string& actor_id);
// A cohort as the object of a cohort action; `clinician_team_ids`: the actor's teams as a
// clinician (CareTeamRepository::clinician_team_ids).
ObjectRef cohort_ref(const Cohort& cohort, const std::vector<std::string>& clinician_team_ids);

}  // namespace haven
