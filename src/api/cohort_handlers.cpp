// IOP cohorts: a named group of patients with a care team. Admins create them and set
// their patients; clinicians of the cohort's care team see them.
#include <algorithm>

#include "api/handler_support.h"
#include "api/route_table.h"
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
    ObjectRef ref{"cohort", c.id, c.org_id};
    ref.in_actors_care_team = std::find(teams.begin(), teams.end(), c.care_team_id) != teams.end();
    if (authorize(ctx.actor, Action::cohort_list, ref) == Decision::allow) {
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
  };
}

}  // namespace haven
