#include "api/route_table.h"

#include <cctype>

#include "api/json_body.h"

namespace haven {

const std::vector<Route>& api_routes() {
  static const std::vector<Route> routes = [] {
    std::vector<Route> all;
    for (auto group :
         {health_routes,         enrollment_routes, session_routes,      mfa_routes,
          invitation_routes,     user_admin_routes, passkey_routes,      care_team_routes,
          cohort_routes,         room_routes,       appointment_routes,  guest_routes,
          device_routes,         file_routes,       patient_routes,      account_routes,
          password_reset_routes, audit_routes,      audit_search_routes, erasure_routes,
          safety_routes}) {
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
  if (!is_opaque_id(segment) || tail != rest_of_pattern) return false;
  if (param) *param = std::string(segment);
  return true;
}

bool accepts_upload(http::verb method, std::string_view target) {
  const auto path = target.substr(0, target.find('?'));
  std::string param;
  for (const auto& route : api_routes()) {
    if (route.raw_body && route.method == method && match_route_path(route.path, path, &param)) {
      return true;
    }
  }
  return false;
}

}  // namespace haven
