// Second factor: TOTP enrollment (RFC 6238), recovery codes, and the second sign-in step.
#include <cctype>

#include "api/handler_support.h"
#include "api/mfa_sign_in.h"
#include "api/route_table.h"
#include "api/user_view.h"
#include "auth/password.h"
#include "auth/qr_svg.h"
#include "auth/rate_limiter.h"
#include "auth/session_manager.h"
#include "auth/totp.h"
#include "config/config.h"
#include "crypto/field_cipher.h"
#include "store/repositories.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

// 16 characters of base32 (80 bits) grouped by 4: too strong to guess, so a plain
// SHA-256 is a safe way to store them.
std::string new_recovery_code() {
  auto text = totp::base32_encode(random_bytes(10));
  return text.substr(0, 4) + "-" + text.substr(4, 4) + "-" + text.substr(8, 4) + "-" +
         text.substr(12, 4);
}

}  // namespace

std::string recovery_code_hash(const std::string& code) {
  std::string normal;
  for (char ch : code) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      normal.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
    }
  }
  return token_hash(normal);
}

std::pair<std::vector<std::string>, std::vector<std::string>> new_recovery_codes() {
  std::vector<std::string> codes, hashes;
  for (int i = 0; i < 10; ++i) {
    codes.push_back(new_recovery_code());
    hashes.push_back(recovery_code_hash(codes.back()));
  }
  return {codes, hashes};
}

namespace {

bool check_totp(Services& s, const User& user, const std::string& code, std::int64_t now) {
  auto state = s.store.totp_state(user.id);
  if (state.sealed_secret.empty()) return false;
  auto key = s.totp_cipher.open(state.sealed_secret, user.id);
  if (!key) return false;
  auto step = totp::verify(*key, code, now, state.last_step);
  // advance_totp_step is the atomic replay check: two requests with one code, one wins.
  return step && s.store.advance_totp_step(user.id, *step);
}

ApiResult verify_second_factor(const RequestContext& ctx, Services& s) {
  auto pending = pending_mfa_user(ctx, s);
  if (auto* error = std::get_if<ApiResult>(&pending)) return *error;
  const User& user = std::get<User>(pending);
  const auto method = ctx.body["method"].get<std::string>();
  const auto code = ctx.body["code"].get<std::string>();
  bool ok = method == "totp" ? check_totp(s, user, code, ctx.now)
            : method == "recovery"
                ? s.store.use_recovery_code(user.id, recovery_code_hash(code), ctx.now)
                : false;
  if (!ok) return mfa_failure(s, user, kMfaInvalid);
  return finish_mfa_sign_in(
      ctx, s, user,
      method == "totp" ? "session.signed_in_totp" : "session.signed_in_recovery_code");
}

ApiResult security_overview(const RequestContext& ctx, Services& s) {
  const User& user = *ctx.actor.user;
  nlohmann::json passkeys = nlohmann::json::array();
  for (auto& p : s.store.passkeys_of(user.id)) {
    passkeys.push_back({{"id", p.id}, {"name", p.name}, {"created_at", p.created_at}});
  }
  return {200,
          {{"mfa",
            {{"totp", !s.store.totp_state(user.id).sealed_secret.empty()},
             {"passkeys", passkeys},
             {"recovery_codes_left", s.store.recovery_codes_left(user.id)}}},
           {"mfa_required", role_requires_mfa(user.role)}}};
}

ApiResult totp_setup(const RequestContext& ctx, Services& s) {
  const User& user = *ctx.actor.user;
  if (auto error = reauthentication_error(ctx, s, "password", "mfa.setup_reauth_failed")) {
    return *error;
  }
  auto secret = random_bytes(20);  // 160 bits, the HMAC-SHA1 block-size guidance of RFC 4226 §4
  s.store.set_totp_pending(user.id, s.totp_cipher.seal(secret, user.id));
  auto base32 = totp::base32_encode(secret);
  auto uri = totp::otpauth_uri(user.email, base32);
  return {200,
          {{"secret", base32}, {"otpauth_uri", uri}, {"qr_svg", qr_svg(uri)}},
          {},
          "mfa.setup_started",
          user.id};
}

ApiResult totp_confirm(const RequestContext& ctx, Services& s) {
  const User& user = *ctx.actor.user;
  if (!s.limiter.allow("mfa-account:" + user.id,
                       static_cast<int>(s.config.signin_per_account_per_minute), ctx.now)) {
    return error_result(errors::rate_limited());
  }
  auto state = s.store.totp_state(user.id);
  auto key = state.sealed_pending.empty() ? std::nullopt
                                          : s.totp_cipher.open(state.sealed_pending, user.id);
  auto step =
      key ? totp::verify(*key, ctx.body["code"].get<std::string>(), ctx.now, 0) : std::nullopt;
  if (!step) {
    return error_result({400, "mfa_invalid", "That code is not valid. Try the newest one."});
  }
  auto [codes, hashes] = new_recovery_codes();
  s.store.activate_totp(user.id, state.sealed_pending, *step, hashes);
  // A privilege change gets a fresh session token (ASVS V7).
  s.sessions.end_by_hash(ctx.session_token_hash);
  auto token = start_session(ctx, s, user);
  return {200,
          {{"recovery_codes", codes}},
          {{"Set-Cookie", session_cookie(token, s.sessions.absolute_seconds())}},
          "mfa.totp_enabled",
          user.id};
}

// Ten new recovery codes replace every old one (a lost printout, or the last few used).
// Only for an account with a second factor, and only with the current password.
ApiResult regenerate_recovery_codes(const RequestContext& ctx, Services& s) {
  const User& user = *ctx.actor.user;
  if (auto error = reauthentication_error(ctx, s, "password", "mfa.recovery_codes_reauth_failed")) {
    return *error;
  }
  if (!user.mfa_enabled) {
    return error_result({409, "mfa_not_enabled",
                         "Turn on two-step verification first; recovery codes come with it."});
  }
  auto [codes, hashes] = new_recovery_codes();
  s.store.replace_recovery_codes(user.id, hashes);
  return {200, {{"recovery_codes", codes}}, {}, "mfa.recovery_codes_replaced", user.id};
}

}  // namespace

std::variant<User, ApiResult> pending_mfa_user(const RequestContext& ctx, Services& s) {
  const std::string& user_id = ctx.actor.pending_mfa_user_id;
  if (!s.limiter.allow("mfa-account:" + user_id,
                       static_cast<int>(s.config.signin_per_account_per_minute), ctx.now)) {
    return error_result(errors::rate_limited());
  }
  auto user = s.store.find_user(user_id);
  if (!user || user->disabled || user->locked) return error_result(errors::unauthenticated());
  return *user;
}

ApiResult mfa_failure(Services& s, const User& user, const ApiError& error) {
  bool locked =
      s.store.record_signin_failure(user.id, static_cast<int>(s.config.lockout_threshold));
  return audited_error(error, locked ? "account.locked_after_failures" : "mfa.failed", user.id);
}

ApiResult finish_mfa_sign_in(const RequestContext& ctx, Services& s, const User& user,
                             const char* event) {
  s.store.clear_signin_failures(user.id);
  s.store.delete_mfa_challenge(ctx.mfa_challenge_hash);
  auto token = start_session(ctx, s, user);
  return {200,
          {{"user", user_json(user)}},
          {{"Set-Cookie", session_cookie(token, s.sessions.absolute_seconds())},
           {"Set-Cookie", secure_cookie(kMfaCookie, "", 0)}},
          event,
          user.id};
}

std::vector<Route> mfa_routes() {
  return {
      {http::verb::post, "/api/session/mfa", Action::mfa_verify,
       Schema{
           {{"method", FieldType::string, true, 4, 8}, {"code", FieldType::string, true, 6, 32}}},
       verify_second_factor},
      {http::verb::get, "/api/account/security", Action::account_read, std::nullopt,
       security_overview},
      {http::verb::post, "/api/mfa/totp/setup", Action::mfa_manage,
       Schema{{{"password", FieldType::string, true, 1, kMaxPasswordLength}}}, totp_setup},
      {http::verb::post, "/api/mfa/totp/confirm", Action::mfa_manage,
       Schema{{{"code", FieldType::string, true, 6, 6}}}, totp_confirm},
      {http::verb::post, "/api/mfa/recovery-codes", Action::mfa_manage,
       Schema{{{"password", FieldType::string, true, 1, kMaxPasswordLength}}},
       regenerate_recovery_codes},
  };
}

}  // namespace haven
