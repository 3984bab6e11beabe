// Care teams (admin): who treats whom. Clinicians see the patients of their teams.
#include "api/handler_support.h"
#include "api/route_table.h"
#include "store/repositories.h"

namespace haven {
namespace {

nlohmann::json team_json(const CareTeam& t) {
  return {
      {"id", t.id}, {"name", t.name}, {"clinicians", t.clinician_ids}, {"patients", t.patient_ids}};
}

ApiResult list(const RequestContext& ctx, Services& s) {
  nlohmann::json out = nlohmann::json::array();
  for (auto& t : s.store.list_care_teams(ctx.actor.user->org_id)) out.push_back(team_json(t));
  return {200, {{"care_teams", out}}};
}

ApiResult create(const RequestContext& ctx, Services& s) {
  auto id = s.store.create_care_team(ctx.actor.user->org_id, ctx.body["name"].get<std::string>(),
                                     ctx.now);
  return {201, {{"care_team", team_json(*s.store.find_care_team(id))}},
          {},  "care_team.created",
          id,  "care_team"};
}

ApiResult set_member(const RequestContext& ctx, Services& s) {
  auto team = s.store.find_care_team(ctx.path_param);
  auto user = s.store.find_user(ctx.body["user_id"].get<std::string>());
  const std::string& org = ctx.actor.user->org_id;
  if (!team || team->org_id != org || !user || user->org_id != org) {
    return error_result(errors::not_found());
  }
  if (user->role == Role::admin) {
    return error_result({400, "invalid_field", "Administrators do not join care teams."});
  }
  if (user->role == Role::guest) {
    return error_result({400, "invalid_field", "Guests do not join care teams."});
  }
  const char* kind = user->role == Role::patient ? "patient" : "clinician";
  const bool present = ctx.body["present"].get<bool>();
  s.store.set_care_team_member(team->id, user->id, kind, present);
  return {200,
          {{"care_team", team_json(*s.store.find_care_team(team->id))}},
          {},
          present ? "care_team.member_added" : "care_team.member_removed",
          user->id};
}

}  // namespace

std::vector<Route> care_team_routes() {
  return {
      {http::verb::get, "/api/care-teams", Action::care_team_manage, std::nullopt, list},
      {http::verb::post, "/api/care-teams", Action::care_team_manage,
       Schema{{{"name", FieldType::string, true, 1, 100}}}, create},
      {http::verb::post, "/api/care-teams/:id/members", Action::care_team_manage,
       Schema{{{"user_id", FieldType::string, true, 1, 64}, {"present", FieldType::boolean, true}}},
       set_member},
  };
}

}  // namespace haven
