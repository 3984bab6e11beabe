#include "sessions/cohort_attendance.h"

#include <algorithm>

#include "sessions/presence.h"

namespace haven {
namespace {

using Spans = std::vector<std::pair<std::int64_t, std::int64_t>>;

// Each person's spans in one session's call.
std::map<std::string, Spans> spans_by_person(
    const Appointment& a, const std::map<std::string, std::vector<AttendanceRow>>& rows_by_room,
    std::int64_t now) {
  std::map<std::string, Spans> out;
  if (!a.room_id) return out;
  auto rows = rows_by_room.find(*a.room_id);
  if (rows == rows_by_room.end()) return out;
  for (const auto& row : rows->second) {
    out[row.user_id].push_back({row.joined_at, row.left_at.value_or(now)});
  }
  return out;
}

CohortSessionStatus session_status(const Appointment& a, bool anyone_came, std::int64_t now) {
  // A call that ran before a cancel still happened: whoever was there attended.
  if (anyone_came) return CohortSessionStatus::held;
  if (a.cancelled_at) return CohortSessionStatus::cancelled;
  return now < a.ends_at() ? CohortSessionStatus::upcoming : CohortSessionStatus::not_held;
}

PersonSessionStatus person_status(bool invited, bool came, CohortSessionStatus session) {
  if (came) return PersonSessionStatus::attended;
  if (!invited) return PersonSessionStatus::not_invited;
  switch (session) {
    case CohortSessionStatus::held:
      return PersonSessionStatus::missed;
    case CohortSessionStatus::upcoming:
      return PersonSessionStatus::upcoming;
    case CohortSessionStatus::not_held:
    case CohortSessionStatus::cancelled:
      return PersonSessionStatus::not_held;
  }
  return PersonSessionStatus::not_held;
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

const char* cohort_session_status_name(CohortSessionStatus status) {
  switch (status) {
    case CohortSessionStatus::held:
      return "held";
    case CohortSessionStatus::upcoming:
      return "upcoming";
    case CohortSessionStatus::not_held:
      return "not_held";
    case CohortSessionStatus::cancelled:
      return "cancelled";
  }
  return "not_held";
}

const char* person_session_status_name(PersonSessionStatus status) {
  switch (status) {
    case PersonSessionStatus::attended:
      return "attended";
    case PersonSessionStatus::missed:
      return "missed";
    case PersonSessionStatus::upcoming:
      return "upcoming";
    case PersonSessionStatus::not_held:
      return "not_held";
    case PersonSessionStatus::not_invited:
      return "not_invited";
  }
  return "not_invited";
}

CohortAttendance summarize_cohort_attendance(
    const std::vector<std::string>& cohort_patient_ids,
    const std::vector<Appointment>& appointments,
    const std::map<std::string, std::vector<AttendanceRow>>& rows_by_room, std::int64_t now) {
  CohortAttendance out;
  // Rows: the cohort's patients, then anyone else invited (a patient who has left the
  // cohort since); the therapist running a session is not one of the rows.
  std::vector<std::string> people = cohort_patient_ids;
  for (const auto& a : appointments) {
    for (const auto& id : a.participant_ids) {
      if (!contains(people, id)) people.push_back(id);
    }
  }
  for (const auto& id : people) {
    out.people.push_back({id, contains(cohort_patient_ids, id), 0, 0, 0, 0, {}});
  }
  for (const auto& a : appointments) {
    const auto spans = spans_by_person(a, rows_by_room, now);
    const auto status = session_status(a, !spans.empty(), now);
    out.sessions.push_back({a.id, a.starts_at, a.duration_minutes, status});
    for (auto& person : out.people) {
      const bool invited = contains(a.participant_ids, person.user_id);
      auto mine = spans.find(person.user_id);
      const std::int64_t seconds = mine == spans.end() ? 0 : seconds_present(mine->second);
      const auto own = person_status(invited, mine != spans.end(), status);
      person.sessions.push_back({own, seconds});
      person.seconds += seconds;
      if (invited && own != PersonSessionStatus::not_held) ++person.invited;
      if (own == PersonSessionStatus::attended) ++person.attended;
      if (own == PersonSessionStatus::missed) ++person.missed;
    }
  }
  return out;
}

}  // namespace haven
