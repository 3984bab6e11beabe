// The audit API called directly (route-level authorization is the matrix test's), and the
// fields RequestHandler writes into every entry.
#include <gtest/gtest.h>

#include <fstream>

#include "../services_harness.h"
#include "../store/two_practices.h"
#include "api/route_table.h"
#include "audit/audit_log.h"
#include "audit/checkpoint.h"
#include "auth/rate_limiter.h"
#include "auth/session_manager.h"
#include "config/config.h"
#include "crypto/field_cipher.h"
#include "http/request_handler.h"
#include "http/static_files.h"
#include "metrics/metrics.h"
#include "store/sqlite_audit.h"
#include "store/sqlite_store.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

audit::Hash unhex(const std::string& hex) {
  audit::Hash out{};
  EXPECT_EQ(hex.size(), 64u);
  for (std::size_t i = 0; i < 32 && hex.size() == 64; ++i) {
    out[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return out;
}

class AuditHandlersTest : public testing::ServicesHarness {
 protected:
  AuditHandlersTest()
      : key(std::make_shared<const audit::AuditKey>(audit::AuditKey::from_seed({}))),
        ledger(dir.file("h.db"), 1000, sql::OpenMode::read_write),
        log(ledger, *key, {"localhost:8443", 100, 600}, 0) {
    services.audit_log = &log;
    store.set_audit_key(key);
    testing::seed_two_practices(store, dir.file("h.db"));
  }

  void append(int n) {
    for (int i = 0; i < n; ++i) {
      store.append_audit(
          {i, "admin1", "user.listed", "user", "pat1", "success", "r", "admin", "127.0.0.1"});
    }
  }

  ApiResult call(http::verb method, const std::string& route_path,
                 const nlohmann::json& body = nlohmann::json::object(),
                 const std::string& param = "") {
    return call_as("admin1", method, route_path, body, param);
  }

  ApiResult proof(const std::string& id) {
    return call(http::verb::get, "/api/audit/entries/:id/proof", nlohmann::json::object(), id);
  }

  std::shared_ptr<const audit::AuditKey> key;
  SqliteAuditLedger ledger;
  audit::AuditLog log;
};

TEST_F(AuditHandlersTest, CheckpointOfAnEmptyLogIsNotFound) {
  auto res = call(http::verb::get, "/api/audit/checkpoint");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(code(res), "no_checkpoint");
}

TEST_F(AuditHandlersTest, CheckpointIsSignedAndAudited) {
  append(5);
  auto res = call(http::verb::get, "/api/audit/checkpoint");
  ASSERT_EQ(res.status, 200);
  auto& cp = res.body["checkpoint"];
  EXPECT_EQ(cp["tree_size"], 5);
  EXPECT_EQ(cp["origin"], "localhost:8443");
  auto opened = audit::open_checkpoint(cp["note"].get<std::string>(), key->public_key());
  ASSERT_TRUE(opened.checkpoint) << opened.error;
  EXPECT_EQ(audit::verifier_key("localhost:8443", key->public_key()), res.body["verifier_key"]);
  EXPECT_EQ(res.audit_event, "audit.checkpoint_read");
  EXPECT_EQ(res.audit_object_type, "audit_log");
}

TEST_F(AuditHandlersTest, ProofOfAnEntryVerifiesAgainstItsCheckpoint) {
  append(7);
  auto res = proof("3");
  ASSERT_EQ(res.status, 200) << res.body.dump();
  EXPECT_EQ(res.body["tree_size"], 7);  // a checkpoint was signed to cover the entry
  auto root = unhex(res.body["checkpoint"]["root_hash"]);
  std::vector<audit::Hash> path;
  for (auto& h : res.body["proof"]) path.push_back(unhex(h));
  EXPECT_TRUE(audit::verify_inclusion(2, 7, unhex(res.body["leaf_hash"]), path, root));
  EXPECT_EQ(res.audit_event, "audit.proof_read");
  EXPECT_EQ(res.audit_subject, "3");
  EXPECT_EQ(res.audit_object_type, "audit_entry");
}

TEST_F(AuditHandlersTest, ProofOfNoSuchEntryIsNotFoundAndSignsNothing) {
  append(3);
  for (auto id : {"0", "4", "abc", "-1", "99999999999999999999999", "3x"}) {
    auto res = proof(id);
    EXPECT_EQ(res.status, 404) << id;
    EXPECT_EQ(code(res), "not_found");
  }
  EXPECT_TRUE(ledger.checkpoints().empty());
}

TEST_F(AuditHandlersTest, ConsistencyBetweenSizes) {
  append(9);
  log.checkpoint_now(1);
  append(4);
  log.checkpoint_now(2);
  auto res = call(http::verb::post, "/api/audit/consistency", {{"from", 9}, {"to", 13}});
  ASSERT_EQ(res.status, 200) << res.body.dump();
  std::vector<audit::Hash> path;
  for (auto& h : res.body["proof"]) path.push_back(unhex(h));
  EXPECT_TRUE(audit::verify_consistency(9, 13, unhex(res.body["from_checkpoint"]["root_hash"]),
                                        unhex(res.body["to_checkpoint"]["root_hash"]), path));
  EXPECT_EQ(res.audit_subject, "9-13");
}

TEST_F(AuditHandlersTest, ConsistencyRefusesImpossibleSizes) {
  append(4);
  for (auto [from, to] : {std::pair{3, 2}, std::pair{1, 5}}) {
    auto res = call(http::verb::post, "/api/audit/consistency", {{"from", from}, {"to", to}});
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(code(res), "invalid_field");
  }
  EXPECT_TRUE(ledger.checkpoints().empty());
}

// Through RequestHandler: the entry of a request carries the actor's role and address.
TEST_F(AuditHandlersTest, EntriesCarryRoleAndClientAddress) {
  std::ofstream(dir.file("index.html")) << "<!doctype html>";
  StaticFiles files(dir.path());
  RequestHandler handler(services, files);
  auto token = random_token();
  store.create_enrollment(token_hash(token), std::time(nullptr), std::time(nullptr) + 3600);
  HttpRequest enroll{http::verb::post, "/api/enrollment/complete", 11};
  enroll.set(http::field::content_type, "application/json");
  enroll.body() = nlohmann::json{{"token", token},
                                 {"display_name", "Dr Test"},
                                 {"email", "audit-admin@example.org"},
                                 {"password", "a long enough passphrase"}}
                      .dump();
  enroll.prepare_payload();
  auto res = handler.handle(enroll, "req-enrol", "192.0.2.7").response;
  ASSERT_EQ(res.result_int(), 201) << res.body();
  auto set_cookie = std::string(res[http::field::set_cookie]);
  HttpRequest users{http::verb::get, "/api/users", 11};
  users.set(http::field::cookie, set_cookie.substr(0, set_cookie.find(';')));
  EXPECT_EQ(handler.handle(users, "req-users", "198.51.100.9").response.result_int(), 403);
  auto entries = ledger.entries_after(0, 100);
  ASSERT_FALSE(entries.empty());
  const auto& last = entries.back().entry.record;
  EXPECT_EQ(last.action, "access.denied.user_manage");
  EXPECT_EQ(last.actor_role, "admin");
  EXPECT_EQ(last.client_ip, "198.51.100.9");
  EXPECT_EQ(last.outcome, "denied");
  EXPECT_EQ(last.request_id, "req-users");
  EXPECT_FALSE(last.actor_id.empty());
  EXPECT_EQ(entries.back().mac.size(), 32u);
}

}  // namespace
}  // namespace haven
