// A cohort's attendance over a span of days (docs/SESSIONS.md "Weekly attendance per
// cohort"): for each of its group sessions whether it was held, and for each person how
// many they were invited to, came to and missed, and for how long they were there. A pure
// function of the stored appointments and attendance rows, so the rules are unit-tested.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "store/appointment_repository.h"
#include "store/attendance_repository.h"

namespace haven {

enum class CohortSessionStatus {
  held,       // somebody was in its call
  upcoming,   // nobody yet, and it has not ended
  not_held,   // it ended and nobody came (the therapist included): nobody missed it
  cancelled,  // counts for nobody
};

enum class PersonSessionStatus {
  attended,     // in the call for some time
  missed,       // invited to a session that was held, never in its call
  upcoming,     // invited; the session has not ended and they have not come yet
  not_held,     // invited to a session that was cancelled or nobody held
  not_invited,  // not one of its participants
};

struct CohortSessionSummary {
  std::string appointment_id;
  std::int64_t starts_at = 0;
  std::int64_t duration_minutes = 0;
  CohortSessionStatus status = CohortSessionStatus::upcoming;
};

struct PersonSessionSummary {
  PersonSessionStatus status = PersonSessionStatus::not_invited;
  std::int64_t seconds = 0;
};

struct CohortPersonSummary {
  std::string user_id;
  bool in_cohort = false;  // a member now (someone who left still shows for their sessions)
  int invited = 0;         // sessions invited to that were held or are still to come
  int attended = 0;
  int missed = 0;
  std::int64_t seconds = 0;                    // in all the span's sessions
  std::vector<PersonSessionSummary> sessions;  // one per session, in the sessions' order
};

struct CohortAttendance {
  std::vector<CohortSessionSummary> sessions;  // by start time
  std::vector<CohortPersonSummary> people;     // the cohort's patients, then anyone else invited
};

const char* cohort_session_status_name(CohortSessionStatus status);
const char* person_session_status_name(PersonSessionStatus status);

// `appointments`: the cohort's sessions of the span, by start time; `rows_by_room`: the
// attendance rows of each one's room. A join still open counts up to `now`; the owner
// (the therapist) is never a row of `people`, and guests are not cohort members.
CohortAttendance summarize_cohort_attendance(
    const std::vector<std::string>& cohort_patient_ids,
    const std::vector<Appointment>& appointments,
    const std::map<std::string, std::vector<AttendanceRow>>& rows_by_room, std::int64_t now);

}  // namespace haven
