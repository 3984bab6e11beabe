// IOP cohorts: a named group of patients with a care team. Admins create them and set
// their patients; clinicians of the cohort's care team see them and their attendance.
#include <map>

#include "api/handler_support.h"
#include "api/route_table.h"
#include "sessions/cohort_attendance.h"
#include "store/repositories.h"

namespace haven {
namespace {

nlohmann::json cohort_json(const Cohort& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"care_team_id", c.care_team_id},
          {"patients", c.patient_ids}};
}

ApiResult list(const RequestContext& ctx, Services& s) {
  const User& actor = *ctx.actor.user;
  const auto teams = s.store.clinician_team_ids(actor.id);  // none for admins
  nlohmann::json out = nlohmann::json::array();
  for (auto& c : s.store.list_cohorts(actor.org_id)) {
    // authorize() decides per cohort, so the rule of who sees which lives in one place.
    if (authorize(ctx.actor, Action::cohort_list, cohort_ref(c, teams)) == Decision::allow) {
      out.push_back(cohort_json(c));
    }
  }
  return {200, {{"cohorts", out}}, {}, "cohort.list_read", actor.id};
}

ApiResult create(const RequestContext& ctx, Services& s) {
  const std::string& org = ctx.actor.user->org_id;
  auto team = s.store.find_care_team(ctx.body["care_team_id"].get<std::string>());
  // Unknown and another practice's team look the same.
  if (!team || team->org_id != org) return error_result(errors::not_found());
  auto id = s.store.create_cohort(org, team->id, ctx.body["name"].get<std::string>(), ctx.now);
  return {201,     {{"cohort", cohort_json(*s.store.find_cohort(id))}}, {}, "cohort.created", id,
          "cohort"};
}

ApiResult set_member(const RequestContext& ctx, Services& s) {
  auto cohort = s.store.find_cohort(ctx.path_param);
  auto user = s.store.find_user(ctx.body["user_id"].get<std::string>());
  const std::string& org = ctx.actor.user->org_id;
  if (!cohort || cohort->org_id != org || !user || user->org_id != org) {
    return error_result(errors::not_found());
  }
  if (user->role != Role::patient) {
    return error_result({400, "not_a_patient", "Only patients join cohorts."});
  }
  const bool present = ctx.body["present"].get<bool>();
  if (!s.store.set_cohort_member(cohort->id, user->id, present, ctx.now)) {
    return error_result(errors::not_found());
  }
  return {200,
          {{"cohort", cohort_json(*s.store.find_cohort(cohort->id))}},
          {},
          present ? "cohort.member_added" : "cohort.member_removed",
          user->id};
}

constexpr std::int64_t kMaxReportSpan = 8 * 86400;  // a week, with room for a DST change

nlohmann::json summary_json(const CohortAttendance& report, Services& s) {
  nlohmann::json sessions = nlohmann::json::array();
  for (const auto& session : report.sessions) {
    sessions.push_back({{"appointment_id", session.appointment_id},
                        {"starts_at", session.starts_at},
                        {"duration_minutes", session.duration_minutes},
                        {"status", cohort_session_status_name(session.status)}});
  }
  nlohmann::json people = nlohmann::json::array();
  for (const auto& person : report.people) {
    nlohmann::json each = nlohmann::json::array();
    for (const auto& one : person.sessions) {
      each.push_back(
          {{"status", person_session_status_name(one.status)}, {"seconds", one.seconds}});
    }
    auto user = s.store.find_user(person.user_id);
    people.push_back({{"user_id", person.user_id},
                      {"display_name", user ? user->display_name : ""},
                      {"in_cohort", person.in_cohort},
                      {"invited", person.invited},
                      {"attended", person.attended},
                      {"missed", person.missed},
                      {"seconds", person.seconds},
                      {"sessions", each}});
  }
  return {{"sessions", sessions}, {"people", people}};
}

// A cohort's attendance over [from, to) — the client sends its own week, so the days are
// the clinician's (docs/SESSIONS.md "Weekly attendance per cohort"). The CSV is made by
// the page from this answer, in the clinician's time zone.
ApiResult attendance(const RequestContext& ctx, Services& s) {
  const User& actor = *ctx.actor.user;
  auto cohort = s.store.find_cohort(ctx.path_param);
  if (!cohort || cohort->org_id != actor.org_id) return error_result(errors::not_found());
  const auto ref = cohort_ref(*cohort, s.store.clinician_team_ids(actor.id));
  if (auto decision = authorize(ctx.actor, Action::cohort_attendance_read, ref);
      decision != Decision::allow) {
    return error_result(decision_error(decision));
  }
  const auto from = ctx.body["from"].get<std::int64_t>();
  const auto to = ctx.body["to"].get<std::int64_t>();
  if (to <= from || to - from > kMaxReportSpan) {
    return error_result({400, "invalid_range", "Choose a span of up to eight days."});
  }
  const auto appointments = s.store.appointments_of_cohort(cohort->id, from, to);
  std::map<std::string, std::vector<AttendanceRow>> rows_by_room;
  for (const auto& a : appointments) {
    if (a.room_id) rows_by_room[*a.room_id] = s.store.attendance_of_room(*a.room_id);
  }
  auto body = summary_json(
      summarize_cohort_attendance(cohort->patient_ids, appointments, rows_by_room, ctx.now), s);
  body["cohort"] = cohort_json(*cohort);
  body["from"] = from;
  body["to"] = to;
  return {200, body, {}, "cohort.attendance_read", cohort->id, "cohort"};
}

}  // namespace

std::vector<Route> cohort_routes() {
  return {
      {http::verb::get, "/api/cohorts", Action::cohort_list, std::nullopt, list},
      {http::verb::post, "/api/cohorts", Action::care_team_manage,
       Schema{{{"name", FieldType::string, true, 1, 100},
               {"care_team_id", FieldType::string, true, 1, 64}}},
       create},
      {http::verb::post, "/api/cohorts/:id/members", Action::care_team_manage,
       Schema{{{"user_id", FieldType::string, true, 1, 64}, {"present", FieldType::boolean, true}}},
       set_member},
      {http::verb::post, "/api/cohorts/:id/attendance", Action::cohort_attendance_read,
       Schema{{{"from", FieldType::integer, true, 0, 0, 0, INT64_C(1) << 40},
               {"to", FieldType::integer, true, 0, 0, 0, INT64_C(1) << 40}}},
       attendance},
  };
}

}  // namespace haven
