// The request handler called directly, without sockets: (request) -> response.
#include "http/request_handler.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../services_harness.h"
#include "auth/rate_limiter.h"
#include "auth/session_manager.h"
#include "config/config.h"
#include "crypto/field_cipher.h"
#include "http/static_files.h"
#include "metrics/metrics.h"
#include "store/sqlite_store.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

class RequestHandlerTest : public testing::ServicesHarness {
 protected:
  RequestHandlerTest() : static_files(dir.path()), handler(services, static_files) {
    std::ofstream(dir.file("index.html")) << "<!doctype html><title>Haven</title>";
  }

  HttpResponse call(http::verb method, const std::string& target, const std::string& body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest req{method, target, 11};
    for (auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) {
      if (req[http::field::content_type].empty())
        req.set(http::field::content_type, "application/json");
      req.body() = body;
      req.prepare_payload();
    }
    return handler.handle(req, "req-1").response;
  }

  static std::string code(const HttpResponse& res) {
    auto j = nlohmann::json::parse(res.body(), nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"]["code"].get<std::string>() : "";
  }

  StaticFiles static_files;
  RequestHandler handler;
};

TEST_F(RequestHandlerTest, SecurityHeadersOnEveryKindOfResponse) {
  for (auto& res : {call(http::verb::get, "/healthz"), call(http::verb::get, "/nope/deeper.js"),
                    call(http::verb::get, "/"), call(http::verb::get, "/api/me"),
                    call(http::verb::post, "/api/session", "{bad")}) {
    auto csp = std::string(res["Content-Security-Policy"]);
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
    EXPECT_FALSE(res["Strict-Transport-Security"].empty());
    EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(res["Referrer-Policy"], "no-referrer");
    EXPECT_NE(std::string(res["Permissions-Policy"]).find("camera=(self)"), std::string::npos);
    EXPECT_EQ(res["X-Request-Id"], "req-1");
  }
  EXPECT_EQ(call(http::verb::get, "/api/me")[http::field::cache_control], "no-store");
}

TEST_F(RequestHandlerTest, ErrorsAreStableJson) {
  EXPECT_EQ(code(call(http::verb::get, "/api/nothing")), "not_found");
  EXPECT_EQ(code(call(http::verb::put, "/api/session", "{}")), "method_not_allowed");
  EXPECT_EQ(code(call(http::verb::get, "/api/me")), "unauthenticated");
  EXPECT_EQ(code(call(http::verb::post, "/api/session", R"({"email":"a@b.c","password":"x"})",
                      {{"Origin", "https://evil.example"}})),
            "origin_forbidden");
  EXPECT_EQ(code(call(http::verb::post, "/api/session", R"({"email":"a@b.c","password":"x"})",
                      {{"Content-Type", "text/plain"}})),
            "unsupported_media_type");
  EXPECT_EQ(code(call(http::verb::post, "/api/session", R"({"email":"a@b.c"})")), "missing_field");
}

TEST_F(RequestHandlerTest, EnrollSignInAndMe) {
  auto token = random_token();
  store.create_enrollment(token_hash(token), std::time(nullptr), std::time(nullptr) + 3600);
  nlohmann::json body{{"token", token},
                      {"display_name", "Dr Test"},
                      {"email", "Admin@Example.org"},
                      {"password", "a long enough passphrase"}};
  auto res = call(http::verb::post, "/api/enrollment/complete", body.dump(),
                  {{"Origin", "https://localhost:8443"}});
  ASSERT_EQ(res.result_int(), 201) << res.body();
  auto set_cookie = std::string(res[http::field::set_cookie]);
  auto cookie = set_cookie.substr(0, set_cookie.find(';'));
  auto me = call(http::verb::get, "/api/me", "", {{"Cookie", cookie}});
  ASSERT_EQ(me.result_int(), 200);
  auto user = nlohmann::json::parse(me.body())["user"];
  EXPECT_EQ(user["role"], "admin");
  EXPECT_EQ(user["email"], "admin@example.org");
  // The same link cannot be used twice.
  body["email"] = "other@example.org";
  EXPECT_EQ(code(call(http::verb::post, "/api/enrollment/complete", body.dump())),
            "enrollment_invalid");
  // Sign out ends the session.
  EXPECT_EQ(call(http::verb::delete_, "/api/session", "", {{"Cookie", cookie}}).result_int(), 204);
  EXPECT_EQ(call(http::verb::get, "/api/me", "", {{"Cookie", cookie}}).result_int(), 401);
  // Wrong password and unknown account get the same answer.
  auto wrong = call(http::verb::post, "/api/session",
                    R"({"email":"admin@example.org","password":"not the password"})");
  auto unknown = call(http::verb::post, "/api/session",
                      R"({"email":"nobody@example.org","password":"not the password"})");
  EXPECT_EQ(wrong.result_int(), 401);
  EXPECT_EQ(wrong.body(), unknown.body());
}

TEST_F(RequestHandlerTest, StaticFallbackAndTraversal) {
  auto res = call(http::verb::get, "/enroll");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_NE(res.body().find("Haven"), std::string::npos);
  EXPECT_EQ(call(http::verb::get, "/missing.js").result_int(), 404);
  EXPECT_EQ(safe_relative_path("/../etc/passwd"), "");
  EXPECT_EQ(safe_relative_path("/a/../../x"), "");
  EXPECT_EQ(safe_relative_path("/%2e%2e/x"), "");
  EXPECT_EQ(safe_relative_path("/.env"), "");
  EXPECT_EQ(safe_relative_path("/assets/app.js"), "assets/app.js");
  EXPECT_EQ(safe_relative_path("/"), "index.html");
}

}  // namespace
}  // namespace haven

namespace haven {
namespace {

// Issue 4: "an action without its audit record cannot commit". A trigger makes every
// audit insert fail; the action's own writes must then be gone too.
TEST_F(RequestHandlerTest, AnActionWhoseAuditRecordFailsIsRolledBack) {
  auto token = random_token();
  store.create_enrollment(token_hash(token), std::time(nullptr), std::time(nullptr) + 3600);
  {
    sql::Connection conn(dir.file("h.db"), 1000);
    conn.exec(
        "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END");
  }
  nlohmann::json body{{"token", token},
                      {"display_name", "Dr Test"},
                      {"email", "admin@example.org"},
                      {"password", "a long enough passphrase"}};
  HttpRequest req{http::verb::post, "/api/enrollment/complete", 11};
  req.set(http::field::content_type, "application/json");
  req.body() = body.dump();
  req.prepare_payload();
  EXPECT_THROW(handler.handle(req, "req-audit"), std::exception);  // the session answers 500
  EXPECT_EQ(store.count_users(), 0) << "the enrollment was rolled back with its audit record";
  EXPECT_EQ(store.enrollment_status(token_hash(token), std::time(nullptr)),
            EnrollmentStatus::valid);
  {
    sql::Connection conn(dir.file("h.db"), 1000);
    conn.exec("DROP TRIGGER audit_down");
  }
  auto res = handler.handle(req, "req-audit-2").response;
  EXPECT_EQ(res.result_int(), 201) << res.body();
  EXPECT_EQ(store.count_users(), 1);
}

}  // namespace
}  // namespace haven
