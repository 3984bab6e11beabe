// Sign in (password, then the second factor when enrolled), sign out, and who am I.
#include "api/handler_support.h"
#include "api/route_table.h"
#include "api/user_view.h"
#include "auth/password.h"
#include "auth/rate_limiter.h"
#include "auth/session_manager.h"
#include "config/config.h"
#include "store/repositories.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

// One answer for unknown account, wrong password, disabled and locked account (no
// enumeration: a locked account is told nothing an attacker could not already guess).
const ApiError kInvalidCredentials{401, "invalid_credentials", "Email or password is incorrect."};

Schema sign_in_schema() {
  return {{
      {"email", FieldType::string, true, 1, 254},
      {"password", FieldType::string, true, 1, kMaxPasswordLength},
  }};
}

ApiResult sign_in(const RequestContext& ctx, Services& s) {
  const auto& cfg = s.config;
  if (!s.limiter.allow("signin-ip:" + ctx.client_ip, static_cast<int>(cfg.signin_per_ip_per_minute),
                       ctx.now)) {
    return error_result(errors::rate_limited());
  }
  auto email = normalize_email(ctx.body["email"].get<std::string>());
  // Failures are limited per email address, whether or not an account has it, so the
  // limit itself does not reveal which addresses have accounts.
  const std::string email_key = "signin-email:" + email.value_or("");
  const int per_account = static_cast<int>(cfg.signin_per_account_per_minute);
  if (s.limiter.exhausted(email_key, per_account, ctx.now)) {
    return error_result(errors::rate_limited());
  }
  auto user = email ? s.store.find_user_by_email(*email) : std::nullopt;
  // verify_password burns the same work when there is no account.
  bool ok = verify_password(ctx.body["password"].get<std::string>(),
                            user ? user->password_hash : std::string{});
  if (!ok) s.limiter.count_failure(email_key, ctx.now);
  if (!user) return audited_error(kInvalidCredentials, "session.sign_in_failed", "");
  if (!ok) {
    bool locked = s.store.record_signin_failure(user->id, static_cast<int>(cfg.lockout_threshold));
    return audited_error(kInvalidCredentials,
                         locked ? "account.locked_after_failures" : "session.sign_in_failed",
                         user->id);
  }
  if (user->disabled || user->locked) {
    return audited_error(kInvalidCredentials, "session.sign_in_refused", user->id);
  }
  s.store.clear_signin_failures(user->id);
  if (user->mfa_enabled) {
    auto challenge = random_token();
    s.store.create_mfa_challenge(token_hash(challenge), user->id, ctx.now + kMfaChallengeSeconds);
    nlohmann::json methods = nlohmann::json::array();
    if (!s.store.totp_state(user->id).sealed_secret.empty()) methods.push_back("totp");
    if (!s.store.passkeys_of(user->id).empty()) methods.push_back("webauthn");
    methods.push_back("recovery");
    return {200,
            {{"mfa_required", true}, {"methods", methods}},
            {{"Set-Cookie", secure_cookie(kMfaCookie, challenge, kMfaChallengeSeconds)}},
            "session.password_accepted",
            user->id};
  }
  auto token = start_session(ctx, s, *user);
  return {200,
          {{"user", user_json(*user)}},
          {{"Set-Cookie", session_cookie(token, s.sessions.absolute_seconds())}},
          "session.signed_in",
          user->id};
}

ApiResult sign_out(const RequestContext& ctx, Services& s) {
  s.sessions.end_by_hash(ctx.session_token_hash);
  return {204,
          nullptr,
          {{"Set-Cookie", cleared_session_cookie()}},
          "session.signed_out",
          ctx.actor.user->id};
}

// Also the client's keep-alive: the idle clock restarts, and the answer says when the
// session would end so the page can warn a minute before (HIPAA 164.312(a)(2)(iii)).
ApiResult me(const RequestContext& ctx, Services& s) {
  nlohmann::json session = nullptr;
  // The session was resolved for this request already; no second read.
  if (!ctx.session_token_hash.empty()) {
    s.sessions.touch(ctx.session_token_hash, ctx.now);
    session = {{"idle_seconds", s.sessions.idle_seconds()},
               {"idle_expires_at", ctx.now + s.sessions.idle_seconds()},
               {"absolute_expires_at", ctx.session_expires_at},
               {"now", ctx.now}};
  }
  return {200, {{"user", user_json(*ctx.actor.user)}, {"session", session}}};
}

}  // namespace

std::vector<Route> session_routes() {
  return {
      {http::verb::post, "/api/session", Action::session_create, sign_in_schema(), sign_in},
      {http::verb::delete_, "/api/session", Action::session_delete, std::nullopt, sign_out},
      {http::verb::get, "/api/me", Action::own_profile_read, std::nullopt, me},
  };
}

}  // namespace haven
