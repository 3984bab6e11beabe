#include "api/route_table.h"

namespace haven {

const std::vector<Route>& api_routes() {
  static const std::vector<Route> routes = [] {
    std::vector<Route> all;
    for (auto group : {health_routes, enrollment_routes, session_routes}) {
      for (auto& r : group()) all.push_back(std::move(r));
    }
    return all;
  }();
  return routes;
}

ApiResult error_result(const ApiError& error) {
  return {error.status, nlohmann::json::parse(error_body(error)), {}, {}};
}

}  // namespace haven
