// The audit log end to end on SQLite: entries appended through the store, checkpoints
// signed by AuditLog, and LogVerifier naming the first bad entry after each kind of
// tampering (done with raw SQL, as an attacker with the file would).
#include "audit/audit_log.h"

#include <gtest/gtest.h>

#include "../test_support.h"
#include "audit/checkpoint.h"
#include "audit/proof_json.h"
#include "audit/verifier.h"
#include "store/sqlite_audit.h"
#include "store/sqlite_store.h"

namespace haven::audit {
namespace {

std::shared_ptr<const AuditKey> make_key() {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(3);
  return std::make_shared<const AuditKey>(AuditKey::from_seed(seed));
}

AuditRecord record(int i) {
  return {1000 + i,
          "actor" + std::to_string(i % 3),
          "session.signed_in",
          "user",
          "subject",
          "success",
          "req" + std::to_string(i),
          "admin",
          "127.0.0.1"};
}

class AuditLogTest : public ::testing::Test {
 protected:
  AuditLogTest() : key(make_key()), store(dir.file("h.db"), 1000, keys) {
    store.set_audit_key(key);
  }

  void append(int n) {
    for (int i = 0; i < n; ++i) store.append_audit(record(next++));
  }

  // Runs the verifier over a fresh read-only snapshot of the file.
  VerifyResult verify() {
    SqliteAuditLedger ledger(dir.file("h.db"), 1000, sql::OpenMode::read_only);
    LogVerifier v(*key);
    std::vector<StoredCheckpoint> cps;
    ledger.scan([&](auto c) { cps = std::move(c); },
                [&](const StoredEntry& e) { return v.add_entry(e); });
    v.check_checkpoints(cps);
    return v.result();
  }

  // The attacker drops the append-only triggers first.
  void tamper(const std::string& sql_text) {
    sql::Connection raw(dir.file("h.db"), 1000);
    raw.exec(
        "DROP TRIGGER IF EXISTS audit_events_no_update; DROP TRIGGER IF EXISTS "
        "audit_events_no_delete; DROP TRIGGER IF EXISTS audit_checkpoints_no_change; "
        "DROP TRIGGER IF EXISTS audit_checkpoints_no_delete");
    raw.exec(sql_text.c_str());
  }

  // 25 entries with checkpoints at 10 and 20 (every 10), then one at 25.
  void build_log() {
    SqliteAuditLedger ledger(dir.file("h.db"), 1000, sql::OpenMode::read_write);
    AuditLog log(ledger, *key, {"localhost:8443", 10, 600}, 0);
    append(25);
    log.tick(1);
    ASSERT_EQ(ledger.checkpoints().size(), 2u);
    ASSERT_TRUE(log.checkpoint_now(2));
    ASSERT_EQ(ledger.latest_checkpoint()->tree_size, 25);
  }

  testing::TempDir dir;
  testing::TestKeys keys{dir};
  std::shared_ptr<const AuditKey> key;
  SqliteStore store;
  int next = 0;
};

TEST_F(AuditLogTest, AnUntouchedLogVerifies) {
  build_log();
  auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
}

TEST_F(AuditLogTest, EntriesAreAppendOnlyInHavensHands) {
  append(2);
  sql::Connection raw(dir.file("h.db"), 1000);
  EXPECT_THROW(raw.exec("UPDATE audit_events SET action = 'x' WHERE seq = 1"), sql::Error);
  EXPECT_THROW(raw.exec("DELETE FROM audit_events WHERE seq = 1"), sql::Error);
}

TEST_F(AuditLogTest, AModifiedEntryIsNamed) {
  build_log();
  tamper("UPDATE audit_events SET action = 'session.signed_out' WHERE seq = 7");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 7) << r.problem;
}

TEST_F(AuditLogTest, ADeletedEntryIsNamed) {
  build_log();
  tamper("DELETE FROM audit_events WHERE seq = 12");
  EXPECT_EQ(verify().bad_seq, 12);
}

TEST_F(AuditLogTest, DeletingTheCheckpointedTailIsCaught) {
  build_log();
  tamper("DELETE FROM audit_events WHERE seq >= 24");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 24) << r.problem;
}

TEST_F(AuditLogTest, SwappedEntriesAreNamed) {
  build_log();
  tamper(
      "UPDATE audit_events SET seq = -1 WHERE seq = 3; UPDATE audit_events SET seq = 3 WHERE "
      "seq = 9; UPDATE audit_events SET seq = 9 WHERE seq = -1");
  EXPECT_EQ(verify().bad_seq, 3);
}

TEST_F(AuditLogTest, InsertedEntriesAreNamed) {
  build_log();
  // At the end, with a made-up code, and in the middle by renumbering the rest.
  tamper(
      "INSERT INTO audit_events (seq, at, action, outcome, entry_mac) VALUES (26, 5, 'x', "
      "'success', '" +
      std::string(64, 'a') + "')");
  EXPECT_EQ(verify().bad_seq, 26);
  tamper("DELETE FROM audit_events WHERE seq = 26");
  tamper(
      "UPDATE audit_events SET seq = -seq WHERE seq >= 15; UPDATE audit_events SET seq = 1 - seq "
      "WHERE seq < 0; INSERT INTO audit_events (seq, at, action, outcome) VALUES (15, 5, 'x', "
      "'success')");
  EXPECT_EQ(verify().bad_seq, 15);
}

TEST_F(AuditLogTest, ATamperedCheckpointIsNamed) {
  build_log();
  tamper("UPDATE audit_checkpoints SET note = replace(note, '\n20\n', '\n19\n') WHERE id = 2");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_checkpoint, 2) << r.problem;
}

TEST_F(AuditLogTest, TheServerSignsNothingAfterTampering) {
  build_log();
  tamper("UPDATE audit_events SET outcome = 'failure' WHERE seq = 4");
  SqliteAuditLedger ledger(dir.file("h.db"), 1000, sql::OpenMode::read_write);
  AuditLog log(ledger, *key, {"localhost:8443", 10, 600}, 0);
  EXPECT_FALSE(log.healthy());
  append(20);
  log.tick(10'000);
  EXPECT_FALSE(log.checkpoint_now(10'001));
  EXPECT_EQ(ledger.checkpoints().size(), 3u);
}

TEST_F(AuditLogTest, ProofsVerifyAgainstTheCheckpoint) {
  build_log();
  SqliteAuditLedger ledger(dir.file("h.db"), 1000, sql::OpenMode::read_only);
  AuditLog log(ledger, *key, {}, 0);
  auto cp = ledger.checkpoint_of_size(20);
  ASSERT_TRUE(cp);
  for (std::int64_t seq = 1; seq <= 20; ++seq) {
    auto p = log.prove_inclusion(seq, 20);
    ASSERT_TRUE(p);
    EXPECT_TRUE(verify_inclusion(seq - 1, 20, hash_leaf(p->entry), p->path, cp->root));
  }
  EXPECT_FALSE(log.prove_inclusion(26, 25));
  auto c = log.prove_consistency(10, 25);
  ASSERT_TRUE(c);
  EXPECT_TRUE(verify_consistency(10, 25, ledger.checkpoint_of_size(10)->root,
                                 ledger.checkpoint_of_size(25)->root, c->path));
}

// Retention (audit.retention_years): the oldest entries lose their content but keep
// their leaf hashes, so the log, its checkpoints and proofs still verify.
TEST_F(AuditLogTest, RetentionEmptiesTheOldestEntriesAndTheLogStillVerifies) {
  build_log();  // entries seq 1..25 written at 1000..1024
  SqliteAuditLedger ledger(dir.file("h.db"), 1000, sql::OpenMode::read_write);
  AuditLog log(ledger, *key, {"localhost:8443", 10, 600}, 0);
  EXPECT_EQ(log.prune_older_than(1010), 10);  // seq 1..10
  EXPECT_EQ(log.prune_older_than(1010), 0);   // once only

  auto emptied = ledger.entry(10);
  ASSERT_TRUE(emptied && emptied->pruned_leaf);
  EXPECT_EQ(emptied->entry.record.action, "");
  EXPECT_EQ(emptied->entry.record.actor_id, "");
  EXPECT_EQ(emptied->entry.record.request_id, "");
  EXPECT_EQ(emptied->entry.record.at, 1009);
  auto kept = ledger.entry(11);
  ASSERT_TRUE(kept && !kept->pruned_leaf);
  EXPECT_EQ(kept->entry.record.action, "session.signed_in");

  auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  auto proof = log.prove_inclusion(5, 20);
  ASSERT_TRUE(proof);
  EXPECT_TRUE(proof->pruned);
  EXPECT_TRUE(proof->entry.empty());
  EXPECT_TRUE(
      verify_inclusion(4, 20, proof->leaf_hash, proof->path, ledger.checkpoint_of_size(20)->root));
  EXPECT_TRUE(log.healthy());
  log.tick(2000);
  EXPECT_TRUE(log.healthy());
}

TEST_F(AuditLogTest, RetentionMayOnlyEmptyAnEntryOnceAndKeepItsTime) {
  build_log();
  SqliteAuditLedger ledger(dir.file("h.db"), 1000, sql::OpenMode::read_write);
  AuditLog log(ledger, *key, {"localhost:8443", 10, 600}, 0);
  log.prune_older_than(1003);
  sql::Connection raw(dir.file("h.db"), 1000);
  EXPECT_THROW(raw.exec("UPDATE audit_events SET at = 5 WHERE seq = 1"), sql::Error);
  EXPECT_THROW(raw.exec("UPDATE audit_events SET pruned_leaf = NULL WHERE seq = 1"), sql::Error);
  EXPECT_THROW(raw.exec("UPDATE audit_events SET pruned_leaf = 'aa', at = 1 WHERE seq = 5"),
               sql::Error);
}

TEST_F(AuditLogTest, EmptyingARecentEntryIsCaught) {
  build_log();
  SqliteAuditLedger ledger(dir.file("h.db"), 1000, sql::OpenMode::read_write);
  AuditLog log(ledger, *key, {"localhost:8443", 10, 600}, 0);
  log.prune_older_than(1003);  // seq 1, 2
  // Someone empties seq 12 with its true leaf hash, hiding what it said.
  const std::string leaf = hash_hex(entry_leaf_hash(ledger.entry(12)->entry));
  tamper("UPDATE audit_events SET action = '', pruned_leaf = '" + leaf + "' WHERE seq = 12");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 12) << r.problem;
}

TEST_F(AuditLogTest, AForgedKeptHashIsCaught) {
  build_log();
  tamper("UPDATE audit_events SET action = '', pruned_leaf = '" + std::string(64, 'a') +
         "' WHERE seq = 1");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 1) << r.problem;
}

TEST_F(AuditLogTest, TickAppliesTheConfiguredRetentionOnceADay) {
  build_log();
  SqliteAuditLedger ledger(dir.file("h.db"), 1000, sql::OpenMode::read_write);
  AuditLog log(ledger, *key, {"localhost:8443", 10, 600, /*retention_years=*/1}, 0);
  const std::int64_t a_year_later = 1015 + 365 * 24 * 3600;  // 1971-01-01: seq 1..15 are old
  log.tick(a_year_later);
  EXPECT_TRUE(ledger.entry(15)->pruned_leaf);
  EXPECT_FALSE(ledger.entry(16)->pruned_leaf);
  EXPECT_TRUE(verify().ok);
}

TEST_F(AuditLogTest, EntriesWrittenBeforeTheUpgradeAreSealedOnce) {
  SqliteStore legacy(dir.file("old.db"), 1000, keys);  // no key: as before migration 8
  legacy.append_audit(record(1));
  legacy.append_audit(record(2));
  SqliteAuditLedger ledger(dir.file("old.db"), 1000, sql::OpenMode::read_write);
  EXPECT_EQ(ledger.seal_legacy_entries(*key), 2);
  LogVerifier v(*key);
  ledger.scan([](auto) {}, [&](const StoredEntry& e) { return v.add_entry(e); });
  EXPECT_TRUE(v.result().ok) << v.result().problem;
  EXPECT_EQ(v.tree().size(), 2u);
}

}  // namespace
}  // namespace haven::audit
