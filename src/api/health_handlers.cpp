// Liveness, readiness and version: public, no body, nothing sensitive.
#include "api/route_table.h"
#include "store/repositories.h"

namespace haven {

std::vector<Route> health_routes() {
  return {
      {http::verb::get, "/healthz", Action::health_read, std::nullopt,
       [](const RequestContext&, Services&) {
         return ApiResult{200, {{"status", "ok"}}};
       }},
      {http::verb::get, "/readyz", Action::health_read, std::nullopt,
       [](const RequestContext&, Services& s) {
         return s.store.ready() ? ApiResult{200, {{"status", "ready"}}}
                                : ApiResult{503, {{"status", "not_ready"}}};
       }},
      {http::verb::get, "/api/version", Action::health_read, std::nullopt,
       [](const RequestContext&, Services&) {
         return ApiResult{200, {{"version", HAVEN_VERSION}}};
       }},
  };
}

}  // namespace haven
