// The Services a handler needs, on a real SQLite store in a temporary folder, for tests
// that call handlers or the request handler directly (no sockets). Fixtures derive from
// it; members are declared in construction order.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "api/route_table.h"
#include "auth/rate_limiter.h"
#include "auth/session_manager.h"
#include "config/config.h"
#include "crypto/field_cipher.h"
#include "metrics/metrics.h"
#include "store/sqlite_store.h"
#include "test_support.h"
#include "util/secret_bytes.h"

namespace haven::testing {

class ServicesHarness : public ::testing::Test {
 protected:
  ServicesHarness()
      : store(dir.file("h.db"), 1000, keys),
        sessions(store, store, 900, 3600),
        totp_cipher(std::vector<std::uint8_t>(32, 7), "totp"),
        services{config, store, sessions, metrics, limiter, totp_cipher} {
    init_sodium();
  }

  // Calls the handler of (method, route path) as the user `actor_id` (with MFA), after
  // route-level authorization (the matrix test covers that part).
  ApiResult call_as(const std::string& actor_id, http::verb method, const std::string& route_path,
                    const nlohmann::json& body = nlohmann::json::object(),
                    const std::string& param = "") {
    Actor actor;
    actor.user = store.find_user(actor_id);
    if (actor.user) actor.user->mfa_enabled = true;
    HttpRequest req{method, route_path, 11};
    const std::string none, request_id = "req-1", ip = "127.0.0.1";
    RequestContext ctx{req, body, actor, none, none, request_id, ip, 100, param};
    for (auto& route : api_routes()) {
      if (route.method == method && route.path == route_path) return route.handler(ctx, services);
    }
    ADD_FAILURE() << "no route " << route_path;
    return {};
  }

  static std::string code(const ApiResult& r) { return r.body["error"]["code"].get<std::string>(); }

  TempDir dir;
  TestKeys keys{dir};
  Config config;
  SqliteStore store;
  Metrics metrics;
  SessionManager sessions;
  RateLimiter limiter;
  FieldCipher totp_cipher;
  Services services;
};

}  // namespace haven::testing
