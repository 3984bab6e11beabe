#include "api/route_table.h"

#include <cctype>
#include <sstream>

#include "auth/password.h"
#include "auth/password_policy.h"
#include "auth/rate_limiter.h"
#include "auth/session_manager.h"
#include "config/config.h"

namespace haven {

const std::vector<Route>& api_routes() {
  static const std::vector<Route> routes = [] {
    std::vector<Route> all;
    for (auto group : {health_routes, enrollment_routes, session_routes, mfa_routes,
                       invitation_routes, user_admin_routes, passkey_routes, care_team_routes,
                       cohort_routes, patient_routes, account_routes, password_reset_routes,
                       audit_routes, audit_search_routes, erasure_routes}) {
      for (auto& r : group()) all.push_back(std::move(r));
    }
    return all;
  }();
  return routes;
}

bool match_route_path(std::string_view pattern, std::string_view path, std::string* param) {
  auto colon = pattern.find("/:");
  if (colon == std::string_view::npos) return pattern == path;
  auto prefix = pattern.substr(0, colon + 1);
  auto rest_of_pattern = pattern.substr(pattern.find('/', colon + 1) == std::string_view::npos
                                            ? pattern.size()
                                            : pattern.find('/', colon + 1));
  if (path.substr(0, prefix.size()) != prefix) return false;
  auto remainder = path.substr(prefix.size());
  auto end = remainder.find('/');
  auto segment = remainder.substr(0, end);
  auto tail = end == std::string_view::npos ? std::string_view{} : remainder.substr(end);
  if (segment.empty() || segment.size() > 64 || tail != rest_of_pattern) return false;
  for (char ch : segment) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') return false;
  }
  if (param) *param = std::string(segment);
  return true;
}

bool link_redeem_allowed(const RequestContext& ctx, Services& s, const char* scope) {
  std::string key(scope);
  key.append("-ip:").append(ctx.client_ip);
  return s.limiter.allow(key, static_cast<int>(s.config.invitation_redeem_per_ip_per_minute),
                         ctx.now);
}

std::string start_session(const RequestContext& ctx, Services& s, const User& user) {
  return s.sessions.start(user, ctx.now, ctx.request[http::field::user_agent]);
}

ApiResult error_result(const ApiError& error) {
  return {error.status, nlohmann::json::parse(error_body(error)), {}, {}, {}};
}

ApiResult audited_error(const ApiError& error, std::string event, std::string subject) {
  auto result = error_result(error);
  result.audit_event = std::move(event);
  result.audit_subject = std::move(subject);
  return result;
}

std::optional<ApiError> weak_password_error(const std::string& password) {
  auto reason = password_weakness(password);
  if (!reason) return std::nullopt;
  return ApiError{400, "password_weak", "Choose a less common password: " + *reason + "."};
}

std::optional<ApiError> new_password_error(const User& user, const std::string& password) {
  const std::size_t minimum =
      user.mfa_enabled ? kMinPasswordLengthWithMfa : kMinPasswordLengthWithoutMfa;
  if (utf8_length(password) < minimum) {
    std::ostringstream message;
    message << "Field 'new_password' must be at least " << minimum << " characters.";
    return ApiError{400, "invalid_field", message.str()};
  }
  return weak_password_error(password);
}

std::optional<ApiResult> reauthentication_error(const RequestContext& ctx, Services& s,
                                                const char* field, const char* failure_event) {
  const User& user = *ctx.actor.user;
  if (!s.limiter.allow("reauth-account:" + user.id,
                       static_cast<int>(s.config.signin_per_account_per_minute), ctx.now)) {
    return error_result(errors::rate_limited());
  }
  if (!verify_password(ctx.body[field].get<std::string>(), user.password_hash)) {
    return audited_error({401, "reauth_failed", "That password is not correct."}, failure_event,
                         user.id);
  }
  return std::nullopt;
}

ApiError decision_error(Decision decision) {
  switch (decision) {
    case Decision::deny_unauthenticated:
      return errors::unauthenticated();
    case Decision::deny_mfa_required:
      return {403, "mfa_required", "Set up two-step verification first."};
    default:
      return errors::forbidden();
  }
}

}  // namespace haven
