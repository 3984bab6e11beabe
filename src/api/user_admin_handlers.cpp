// Practice administration of accounts: list, disable, enable, unlock, reset MFA.
#include "api/route_table.h"
#include "api/user_view.h"
#include "store/repositories.h"

namespace haven {
namespace {

ApiResult list(const RequestContext& ctx, Services& s) {
  nlohmann::json users = nlohmann::json::array();
  for (auto& u : s.store.list_users(ctx.actor.user->org_id)) users.push_back(user_admin_json(u));
  return {200, {{"users", users}}};
}

// Looks the target up and asks authorize() about it; another practice's user is "not
// found", so ids of other tenants cannot be probed.
using Change = void (*)(Store&, const std::string& user_id);

Handler change_user(const char* event, Change change, bool refuse_self) {
  return [event, change, refuse_self](const RequestContext& ctx, Services& s) -> ApiResult {
    auto target = s.store.find_user(ctx.body["user_id"].get<std::string>());
    if (!target || authorize(ctx.actor, Action::user_manage,
                             {"user", target->id, target->org_id}) != Decision::allow) {
      return error_result(errors::not_found());
    }
    if (refuse_self && target->id == ctx.actor.user->id) {
      return error_result({400, "cannot_change_self", "You cannot do this to your own account."});
    }
    change(s.store, target->id);
    auto updated = s.store.find_user(target->id);
    return {200, {{"user", user_admin_json(*updated)}}, {}, event, target->id};
  };
}

Schema user_id_schema() {
  return {{{"user_id", FieldType::string, true, 1, 64}}};
}

}  // namespace

std::vector<Route> user_admin_routes() {
  return {
      {http::verb::get, "/api/users", Action::user_manage, std::nullopt, list},
      {http::verb::post, "/api/users/disable", Action::user_manage, user_id_schema(),
       change_user(
           "user.disabled", [](Store& st, const std::string& id) { st.set_disabled(id, true); },
           true)},
      {http::verb::post, "/api/users/enable", Action::user_manage, user_id_schema(),
       change_user(
           "user.enabled", [](Store& st, const std::string& id) { st.set_disabled(id, false); },
           true)},
      {http::verb::post, "/api/users/unlock", Action::user_manage, user_id_schema(),
       change_user(
           "user.unlocked", [](Store& st, const std::string& id) { st.set_locked(id, false); },
           false)},
      {http::verb::post, "/api/users/reset-mfa", Action::user_manage, user_id_schema(),
       change_user(
           "user.mfa_reset",
           [](Store& st, const std::string& id) {
             st.reset_mfa(id);  // also signs the user out everywhere
           },
           false)},
  };
}

}  // namespace haven
