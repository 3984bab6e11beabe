// Appointments (docs/SESSIONS.md): a therapist schedules a 1:1, couples or group session
// for named people of the practice. A row holds ids, a kind and times only (no title, no
// notes), so nothing here is sealed; the session's video room is made the first time
// someone joins it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace haven {

struct Appointment {
  std::string id;
  std::string org_id;
  std::string owner_id;
  std::string kind;                          // "individual" | "couples" | "group"
  std::vector<std::string> participant_ids;  // without the owner, in the order given
  std::vector<std::string> guest_ids;        // guests invited to it (not revoked)
  std::int64_t starts_at = 0;                // unix seconds
  std::int64_t duration_minutes = 0;
  std::optional<std::int64_t> cancelled_at;
  std::optional<std::string> room_id;  // set by the first join
  // A group session of an IOP cohort (its weekly attendance report counts it).
  std::optional<std::string> cohort_id;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;

  std::int64_t ends_at() const { return starts_at + duration_minutes * 60; }
  bool admits(const std::string& user_id) const;  // the owner, a participant or a guest
};

class AppointmentRepository {
 public:
  virtual ~AppointmentRepository() = default;
  // The caller has checked everything (participants, kind, times); answers the new id.
  virtual std::string create_appointment(const Appointment& appointment) = 0;
  virtual std::optional<Appointment> find_appointment(const std::string& id) = 0;
  // The user's appointments (owned or invited to) that end after `from` and start before
  // `to`, by start time, at most `limit`.
  virtual std::vector<Appointment> appointments_of(const std::string& user_id, std::int64_t from,
                                                   std::int64_t to, int limit) = 0;
  // A cohort's appointments (cancelled ones too) that start in [from, to), by start time.
  virtual std::vector<Appointment> appointments_of_cohort(const std::string& cohort_id,
                                                          std::int64_t from, std::int64_t to) = 0;
  // False when the appointment does not exist or was cancelled. A room whose call has
  // ended is let go (the new time gets a new room).
  virtual bool reschedule_appointment(const std::string& id, std::int64_t starts_at,
                                      std::int64_t duration_minutes, std::int64_t now) = 0;
  // False when it does not exist or was already cancelled.
  virtual bool cancel_appointment(const std::string& id, std::int64_t now) = 0;
  // The appointment's video room: made with its owner and participants by the first call,
  // in one transaction, so two people joining at once get the same room. Empty when the
  // appointment does not exist or was cancelled.
  virtual std::string appointment_room(const std::string& id, std::int64_t now) = 0;
};

}  // namespace haven
