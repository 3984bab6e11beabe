// Sign in, sign out, and who am I.
#include "api/route_table.h"
#include "api/user_view.h"
#include "auth/password.h"
#include "auth/session_manager.h"
#include "store/repositories.h"

namespace haven {
namespace {

// One answer for unknown account, wrong password and disabled account (no enumeration).
const ApiError kInvalidCredentials{401, "invalid_credentials", "Email or password is incorrect."};

Schema sign_in_schema() {
  return {{
      {"email", FieldType::string, true, 1, 254},
      {"password", FieldType::string, true, 1, kMaxPasswordLength},
  }};
}

ApiResult sign_in(const RequestContext& ctx, Services& s) {
  auto email = normalize_email(ctx.body["email"].get<std::string>());
  auto user = email ? s.store.find_user_by_email(*email) : std::nullopt;
  // verify_password burns the same work when there is no account.
  bool ok = verify_password(ctx.body["password"].get<std::string>(),
                            user ? user->password_hash : std::string{});
  if (!ok || !user || user->disabled) {
    return {kInvalidCredentials.status,
            nlohmann::json::parse(error_body(kInvalidCredentials)),
            {},
            "session.sign_in_failed"};
  }
  auto token = s.sessions.start(*user, ctx.now);
  return {200,
          {{"user", user_json(*user)}},
          {{"Set-Cookie", session_cookie(token, s.sessions.absolute_seconds())}},
          "session.signed_in", user->id};
}

ApiResult sign_out(const RequestContext& ctx, Services& s) {
  s.sessions.end_by_hash(ctx.session_token_hash);
  return {204, nullptr, {{"Set-Cookie", cleared_session_cookie()}},
          "session.signed_out", ctx.actor.user->id};
}

ApiResult me(const RequestContext& ctx, Services&) {
  return {200, {{"user", user_json(*ctx.actor.user)}}};
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
