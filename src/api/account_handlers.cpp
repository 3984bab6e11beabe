// One's own account: active sessions (revoke one, or sign out everywhere) and the
// password (re-authentication with the current one; ASVS V6/V7).
#include "api/route_table.h"
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
  if (!s.limiter.allow("reauth-account:" + user.id,
                       static_cast<int>(s.config.signin_per_account_per_minute), ctx.now)) {
    return error_result(errors::rate_limited());
  }
  if (!verify_password(ctx.body["current_password"].get<std::string>(), user.password_hash)) {
    return audited_error({401, "reauth_failed", "That password is not correct."},
                         "account.password_reauth_failed", user.id);
  }
  const auto fresh = ctx.body["new_password"].get<std::string>();
  // NIST SP 800-63B: 8 characters are enough behind a second factor, 15 without one.
  const std::size_t minimum =
      user.mfa_enabled ? kMinPasswordLengthWithMfa : kMinPasswordLengthWithoutMfa;
  if (utf8_length(fresh) < minimum) {
    return error_result(
        {400, "invalid_field",
         "Field 'new_password' must be at least " + std::to_string(minimum) + " characters."});
  }
  if (auto weak = weak_password_error(fresh)) return error_result(*weak);
  s.store.set_password(user.id, hash_password(fresh));  // ends every session
  auto token = s.sessions.start(user, ctx.now);         // ...except a fresh one here
  return {200,
          {{"changed", true}},
          {{"Set-Cookie", session_cookie(token, s.sessions.absolute_seconds())}},
          "account.password_changed",
          user.id};
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
  };
}

}  // namespace haven
