// One's own account: active sessions (revoke one, or sign out everywhere), the password
// and the email address (both re-authenticated with the current password; ASVS V6/V7).
#include "api/handler_support.h"
#include "api/route_table.h"
#include "api/user_view.h"
#include "auth/password.h"
#include "auth/rate_limiter.h"
#include "auth/session_manager.h"
#include "config/config.h"
#include "store/repositories.h"

namespace haven {
namespace {

// Sessions are shown by a prefix of their token hash: enough to name one, useless as a
// credential (the cookie holds the token, the table only its hash).
std::string public_session_id(const std::string& token_hash) {
  return token_hash.substr(0, 16);
}

ApiResult list(const RequestContext& ctx, Services& s) {
  nlohmann::json out = nlohmann::json::array();
  for (auto& session : s.store.sessions_of(ctx.actor.user->id)) {
    out.push_back({{"id", public_session_id(session.token_hash)},
                   {"created_at", session.created_at},
                   {"last_seen_at", session.last_seen_at},
                   {"device", session.device},
                   {"current", session.token_hash == ctx.session_token_hash}});
  }
  return {200, {{"sessions", out}}};
}

ApiResult revoke(const RequestContext& ctx, Services& s) {
  const auto id = ctx.body["id"].get<std::string>();
  for (auto& session : s.store.sessions_of(ctx.actor.user->id)) {
    if (public_session_id(session.token_hash) == id) {
      s.sessions.end_by_hash(session.token_hash);
      return {200, {{"revoked", true}}, {}, "session.revoked", ctx.actor.user->id};
    }
  }
  return error_result(errors::not_found());
}

ApiResult sign_out_everywhere(const RequestContext& ctx, Services& s) {
  s.store.delete_sessions_of(ctx.actor.user->id);
  return {204,
          nullptr,
          {{"Set-Cookie", cleared_session_cookie()}},
          "session.signed_out_everywhere",
          ctx.actor.user->id};
}

ApiResult change_password(const RequestContext& ctx, Services& s) {
  const User& user = *ctx.actor.user;
  if (auto error =
          reauthentication_error(ctx, s, "current_password", "account.password_reauth_failed")) {
    return *error;
  }
  const auto fresh = ctx.body["new_password"].get<std::string>();
  if (auto error = new_password_error(user, fresh)) return error_result(*error);
  s.store.set_password(user.id, hash_password(fresh));  // ends every session
  auto token = start_session(ctx, s, user);             // ...except a fresh one here
  return {200,
          {{"changed", true}},
          {{"Set-Cookie", session_cookie(token, s.sessions.absolute_seconds())}},
          "account.password_changed",
          user.id};
}

ApiResult change_email(const RequestContext& ctx, Services& s) {
  const User& user = *ctx.actor.user;
  if (auto error =
          reauthentication_error(ctx, s, "current_password", "account.email_reauth_failed"))
    return *error;
  auto email = normalize_email(ctx.body["new_email"].get<std::string>());
  if (!email) {
    return error_result({400, "invalid_field", "Field 'new_email' is not an email address."});
  }
  if (!s.store.set_email(user.id, *email)) {
    return error_result({409, "email_taken", "An account with this email already exists."});
  }
  auto updated = s.store.find_user(user.id);
  return {200, {{"user", user_json(*updated)}}, {}, "account.email_changed", user.id};
}

}  // namespace

std::vector<Route> account_routes() {
  return {
      {http::verb::get, "/api/account/sessions", Action::account_read, std::nullopt, list},
      {http::verb::post, "/api/account/sessions/revoke", Action::account_manage,
       Schema{{{"id", FieldType::string, true, 16, 16}}}, revoke},
      {http::verb::post, "/api/account/sign-out-everywhere", Action::account_manage, std::nullopt,
       sign_out_everywhere},
      {http::verb::post, "/api/account/password", Action::account_manage,
       Schema{{{"current_password", FieldType::string, true, 1, kMaxPasswordLength},
               {"new_password", FieldType::string, true, kMinPasswordLengthWithMfa,
                kMaxPasswordLength}}},
       change_password},
      {http::verb::post, "/api/account/email", Action::account_manage,
       Schema{{{"current_password", FieldType::string, true, 1, kMaxPasswordLength},
               {"new_email", FieldType::string, true, 3, 254}}},
       change_email},
  };
}

}  // namespace haven
