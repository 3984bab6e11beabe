// First-admin enrollment through the one-time link printed by `haven admin enroll`.
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

const ApiError kEnrollmentInvalid{409, "enrollment_invalid",
                                  "This enrollment link is not valid or was already used."};

Schema token_schema() {
  return {{{"token", FieldType::string, true, 1, 128}}};
}

Schema complete_schema() {
  return {{
      {"token", FieldType::string, true, 1, 128},
      {"display_name", FieldType::string, true, 1, 100},
      {"email", FieldType::string, true, 3, 254},
      {"password", FieldType::string, true, kMinPasswordLengthWithoutMfa, kMaxPasswordLength},
  }};
}

ApiResult check(const RequestContext& ctx, Services& s) {
  if (!link_redeem_allowed(ctx, s, "enroll")) return error_result(errors::rate_limited());
  auto hash = token_hash(ctx.body["token"].get<std::string>());
  if (s.store.enrollment_status(hash, ctx.now) != EnrollmentStatus::valid) {
    return error_result(kEnrollmentInvalid);
  }
  return {200, {{"valid", true}}};
}

ApiResult complete(const RequestContext& ctx, Services& s) {
  if (!link_redeem_allowed(ctx, s, "enroll")) return error_result(errors::rate_limited());
  auto email = normalize_email(ctx.body["email"].get<std::string>());
  if (!email) return error_result({400, "invalid_field", "Field 'email' is not an email address."});
  if (auto weak = weak_password_error(ctx.body["password"].get<std::string>())) {
    return error_result(*weak);
  }
  User admin;
  admin.display_name = ctx.body["display_name"].get<std::string>();
  admin.email = *email;
  admin.password_hash = hash_password(ctx.body["password"].get<std::string>());
  auto hash = token_hash(ctx.body["token"].get<std::string>());
  auto created = s.store.complete_enrollment(hash, ctx.now, std::move(admin));
  if (!created) return error_result(kEnrollmentInvalid);
  auto token = start_session(ctx, s, *created);
  return {201,
          {{"user", user_json(*created)}},
          {{"Set-Cookie", session_cookie(token, s.sessions.absolute_seconds())}},
          "enrollment.completed",
          created->id};
}

}  // namespace

std::vector<Route> enrollment_routes() {
  return {
      {http::verb::post, "/api/enrollment/check", Action::enrollment_use, token_schema(), check},
      {http::verb::post, "/api/enrollment/complete", Action::enrollment_use, complete_schema(),
       complete},
  };
}

}  // namespace haven
