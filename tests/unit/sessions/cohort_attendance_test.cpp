// A cohort's weekly attendance: who came to which group session and for how long, what
// counts as missed, and which sessions count for nobody.
#include "sessions/cohort_attendance.h"

#include <gtest/gtest.h>

namespace haven {
namespace {

constexpr std::int64_t kHour = 3600;

Appointment session(const std::string& id, std::int64_t starts_at, std::vector<std::string> people,
                    std::optional<std::string> room) {
  Appointment a;
  a.id = id;
  a.owner_id = "therapist";
  a.kind = "group";
  a.participant_ids = std::move(people);
  a.starts_at = starts_at;
  a.duration_minutes = 60;
  a.room_id = std::move(room);
  a.cohort_id = "cohort";
  return a;
}

AttendanceRow row(const std::string& room, const std::string& user, std::int64_t from,
                  std::optional<std::int64_t> to) {
  return {room, user, user + "-" + std::to_string(from), from, to};
}

TEST(CohortAttendance, CountsTimeAttendedAndMissed) {
  // Monday held: ann 50 min (in two tabs at once, counted once), bob never came.
  // Wednesday held: ann 60 min, bob 30 min. Friday not yet.
  const std::vector<Appointment> sessions = {
      session("mon", 0, {"ann", "bob"}, "r-mon"),
      session("wed", 2 * 86400, {"ann", "bob"}, "r-wed"),
      session("fri", 4 * 86400, {"ann", "bob"}, std::nullopt),
  };
  std::map<std::string, std::vector<AttendanceRow>> rows;
  rows["r-mon"] = {row("r-mon", "therapist", 0, kHour), row("r-mon", "ann", 600, kHour),
                   row("r-mon", "ann", 900, 1200)};
  rows["r-wed"] = {row("r-wed", "ann", 2 * 86400, 2 * 86400 + kHour),
                   row("r-wed", "bob", 2 * 86400 + 1800, 2 * 86400 + kHour)};
  const auto report = summarize_cohort_attendance({"ann", "bob"}, sessions, rows, 3 * 86400);

  ASSERT_EQ(report.sessions.size(), 3u);
  EXPECT_EQ(report.sessions[0].status, CohortSessionStatus::held);
  EXPECT_EQ(report.sessions[1].status, CohortSessionStatus::held);
  EXPECT_EQ(report.sessions[2].status, CohortSessionStatus::upcoming);

  ASSERT_EQ(report.people.size(), 2u);  // the therapist is not a row
  const auto& ann = report.people[0];
  EXPECT_EQ(ann.user_id, "ann");
  EXPECT_TRUE(ann.in_cohort);
  EXPECT_EQ(ann.invited, 3);
  EXPECT_EQ(ann.attended, 2);
  EXPECT_EQ(ann.missed, 0);
  EXPECT_EQ(ann.seconds, 50 * 60 + kHour);
  EXPECT_EQ(ann.sessions[2].status, PersonSessionStatus::upcoming);

  const auto& bob = report.people[1];
  EXPECT_EQ(bob.attended, 1);
  EXPECT_EQ(bob.missed, 1);
  EXPECT_EQ(bob.seconds, 1800);
  EXPECT_EQ(bob.sessions[0].status, PersonSessionStatus::missed);
  EXPECT_EQ(bob.sessions[1].seconds, 1800);
}

TEST(CohortAttendance, CancelledAndUnheldSessionsCountForNobody) {
  auto cancelled = session("tue", 86400, {"ann"}, std::nullopt);
  cancelled.cancelled_at = 100;
  const std::vector<Appointment> sessions = {
      session("mon", 0, {"ann"}, "r-mon"),  // its room was made, but nobody stayed a second
      cancelled,
  };
  std::map<std::string, std::vector<AttendanceRow>> rows;
  const auto report = summarize_cohort_attendance({"ann"}, sessions, rows, 7 * 86400);
  EXPECT_EQ(report.sessions[0].status, CohortSessionStatus::not_held);
  EXPECT_EQ(report.sessions[1].status, CohortSessionStatus::cancelled);
  const auto& ann = report.people[0];
  EXPECT_EQ(ann.invited, 0);
  EXPECT_EQ(ann.missed, 0);
  EXPECT_EQ(ann.sessions[0].status, PersonSessionStatus::not_held);
  EXPECT_EQ(ann.sessions[1].status, PersonSessionStatus::not_held);
}

TEST(CohortAttendance, FormerMembersAndOpenJoins) {
  // cat has left the cohort but was invited to Monday; ann is still in the call (no
  // left_at), so her time counts up to now; dan joined the cohort later and was not invited.
  const std::vector<Appointment> sessions = {session("mon", 0, {"ann", "cat"}, "r-mon")};
  std::map<std::string, std::vector<AttendanceRow>> rows;
  rows["r-mon"] = {row("r-mon", "ann", 60, std::nullopt)};
  const auto report = summarize_cohort_attendance({"ann", "dan"}, sessions, rows, 660);
  ASSERT_EQ(report.people.size(), 3u);
  EXPECT_EQ(report.people[0].seconds, 600);
  EXPECT_EQ(report.people[1].user_id, "dan");
  EXPECT_EQ(report.people[1].sessions[0].status, PersonSessionStatus::not_invited);
  EXPECT_EQ(report.people[1].invited, 0);
  EXPECT_EQ(report.people[2].user_id, "cat");
  EXPECT_FALSE(report.people[2].in_cohort);
  EXPECT_EQ(report.people[2].missed, 1);
}

}  // namespace
}  // namespace haven
