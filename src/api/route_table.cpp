#include "api/route_table.h"

namespace haven {

const std::vector<Route>& api_routes() {
  static const std::vector<Route> routes = [] {
    std::vector<Route> all;
    for (auto group : {health_routes, enrollment_routes, session_routes, mfa_routes,
                       invitation_routes, user_admin_routes, passkey_routes}) {
      for (auto& r : group()) all.push_back(std::move(r));
    }
    return all;
  }();
  return routes;
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

ApiError decision_error(Decision decision) {
  switch (decision) {
    case Decision::deny_unauthenticated: return errors::unauthenticated();
    case Decision::deny_mfa_required:
      return {403, "mfa_required", "Set up two-step verification first."};
    default: return errors::forbidden();
  }
}

}  // namespace haven
