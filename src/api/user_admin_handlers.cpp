// Practice administration of accounts: list, disable, enable, unlock, reset MFA, change
// role, and issue a password reset link (which never resets or skips MFA).
#include "api/handler_support.h"
#include "api/route_table.h"
#include "api/user_view.h"
#include "config/config.h"
#include "store/repositories.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

ApiResult list(const RequestContext& ctx, Services& s) {
  nlohmann::json users = nlohmann::json::array();
  for (auto& u : s.store.list_users(ctx.actor.user->org_id)) users.push_back(user_admin_json(u));
  return {200, {{"users", users}}};
}

constexpr std::int64_t kPasswordResetSeconds = 24 * 3600;
const ApiError kCannotChangeSelf{400, "cannot_change_self",
                                 "You cannot do this to your own account."};

// Looks the target up and asks authorize() about it; another practice's user is "not
// found", so ids of other tenants cannot be probed.
std::optional<User> target_user(const RequestContext& ctx, Services& s) {
  auto target = s.store.find_user(ctx.body["user_id"].get<std::string>());
  if (!target || authorize(ctx.actor, Action::user_manage, {"user", target->id, target->org_id}) !=
                     Decision::allow) {
    return std::nullopt;
  }
  return target;
}

using Change = void (*)(Store&, const std::string& user_id);

Handler change_user(const char* event, Change change, bool refuse_self) {
  return [event, change, refuse_self](const RequestContext& ctx, Services& s) -> ApiResult {
    auto target = target_user(ctx, s);
    if (!target) return error_result(errors::not_found());
    if (refuse_self && target->id == ctx.actor.user->id) return error_result(kCannotChangeSelf);
    change(s.store, target->id);
    auto updated = s.store.find_user(target->id);
    return {200, {{"user", user_admin_json(*updated)}}, {}, event, target->id};
  };
}

// Among admin, therapist and staff only: a patient account is a different population
// (care teams, cohorts, records), so it is never turned into a clinician or back.
ApiResult change_role(const RequestContext& ctx, Services& s) {
  auto target = target_user(ctx, s);
  if (!target) return error_result(errors::not_found());
  if (target->id == ctx.actor.user->id) return error_result(kCannotChangeSelf);
  auto role = parse_role(ctx.body["role"].get<std::string>());
  if (!role) return error_result({400, "invalid_field", "Field 'role' is not a role."});
  if (target->role == Role::guest) {
    return error_result({400, "role_change_invalid", "A guest's role cannot change."});
  }
  if (*role == Role::patient || target->role == Role::patient) {
    return error_result({400, "role_change_invalid",
                         "Patients cannot become staff, and staff cannot become patients."});
  }
  s.store.set_role(target->id, *role);  // a privilege change: their sessions end
  auto updated = s.store.find_user(target->id);
  return {200, {{"user", user_admin_json(*updated)}}, {}, "user.role_changed", target->id};
}

// The link sets a new password only: TOTP, passkeys and recovery codes stay, so the
// person still passes their second factor at the next sign-in.
ApiResult issue_password_reset(const RequestContext& ctx, Services& s) {
  auto target = target_user(ctx, s);
  if (!target) return error_result(errors::not_found());
  if (target->id == ctx.actor.user->id) return error_result(kCannotChangeSelf);
  auto token = random_token();
  const std::int64_t expires_at = ctx.now + kPasswordResetSeconds;
  s.store.create_password_reset(token_hash(token), target->id, ctx.now, expires_at);
  s.store.delete_sessions_of(target->id);
  return {201,
          {{"link", s.config.effective_public_url() + "/reset#token=" + token},
           {"expires_at", expires_at}},
          {},
          "user.password_reset_issued",
          target->id};
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
      {http::verb::post, "/api/users/role", Action::user_manage,
       Schema{
           {{"user_id", FieldType::string, true, 1, 64}, {"role", FieldType::string, true, 1, 16}}},
       change_role},
      {http::verb::post, "/api/users/reset-password", Action::user_manage, user_id_schema(),
       issue_password_reset},
  };
}

}  // namespace haven
