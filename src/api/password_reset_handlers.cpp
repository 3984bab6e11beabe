// Redeeming an admin-issued password reset link (/reset#token=…). Completing it sets the
// password and nothing else: no session is issued, so the person signs in as usual and
// passes their second factor if they have one (the issue: "admin-issued reset never
// bypasses MFA").
#include "api/handler_support.h"
#include "api/route_table.h"
#include "auth/password.h"
#include "auth/rate_limiter.h"
#include "config/config.h"
#include "store/repositories.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

const ApiError kResetInvalid{409, "reset_invalid",
                             "This password reset link is not valid or was already used."};

std::optional<User> link_owner(const RequestContext& ctx, Services& s) {
  auto reset =
      s.store.find_password_reset(token_hash(ctx.body["token"].get<std::string>()), ctx.now);
  if (!reset) return std::nullopt;
  auto user = s.store.find_user(reset->user_id);
  if (!user || user->disabled) return std::nullopt;
  return user;
}

ApiResult check(const RequestContext& ctx, Services& s) {
  if (!link_redeem_allowed(ctx, s, "reset")) return error_result(errors::rate_limited());
  auto user = link_owner(ctx, s);
  if (!user) return error_result(kResetInvalid);
  return {200,
          {{"valid", true},
           {"display_name", user->display_name},
           {"min_length",
            user->mfa_enabled ? kMinPasswordLengthWithMfa : kMinPasswordLengthWithoutMfa}}};
}

ApiResult accept(const RequestContext& ctx, Services& s) {
  if (!link_redeem_allowed(ctx, s, "reset")) return error_result(errors::rate_limited());
  auto user = link_owner(ctx, s);
  if (!user) return error_result(kResetInvalid);
  const auto fresh = ctx.body["new_password"].get<std::string>();
  if (auto error = new_password_error(*user, fresh)) return error_result(*error);
  auto done = s.store.complete_password_reset(token_hash(ctx.body["token"].get<std::string>()),
                                              ctx.now, hash_password(fresh));
  if (!done) return error_result(kResetInvalid);
  return {200, {{"mfa_required", user->mfa_enabled}}, {}, "account.password_reset", user->id};
}

}  // namespace

std::vector<Route> password_reset_routes() {
  return {
      {http::verb::post, "/api/password-reset/check", Action::password_reset_use,
       Schema{{{"token", FieldType::string, true, 1, 128}}}, check},
      {http::verb::post, "/api/password-reset/accept", Action::password_reset_use,
       Schema{{{"token", FieldType::string, true, 1, 128},
               {"new_password", FieldType::string, true, kMinPasswordLengthWithMfa,
                kMaxPasswordLength}}},
       accept},
  };
}

}  // namespace haven
