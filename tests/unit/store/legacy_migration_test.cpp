// A data folder from before envelope encryption: a migration-7 database written with
// raw SQL, PHI in clear, TOTP secrets and break-glass reasons sealed the old way (with
// subkeys of master.key). Opening it with this code seals everything in place, keeps
// every value readable, and leaves no clear copy in the database file or its WAL.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "../test_support.h"
#include "crypto/field_cipher.h"
#include "store/migrations.h"
#include "store/sqlite_store.h"

namespace haven {
namespace {

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::vector<std::string> kClearValues = {
    "Adelaide Oldschema",     "adelaide@legacy.example", "Barnaby Legacyton",
    "barnaby@legacy.example", "Cordelia Invitee",        "Dorian Usedinvite",
    "Harbour Team",           "Winter Cohort",           "Panic attack in waiting room",
    "Barnaby's YubiKey"};

class LegacyMigrationTest : public ::testing::Test {
 protected:
  LegacyMigrationTest() {
    init_sodium();
    ensure_master_key(master_key_path(dir.path()));
    write_migration_7_database();
  }

  void write_migration_7_database() {
    auto master = read_key_file(master_key_path(dir.path()));
    FieldCipher totp(master.bytes(), "totp"), notes(master.bytes(), "notes");
    const std::vector<std::uint8_t> secret{'T', 'O', 'T', 'P', '-', 'K', 'E', 'Y'};
    const std::string reason = "Panic attack in waiting room";
    sql::Connection conn(db(), 1000);
    conn.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at INTEGER NOT NULL)");
    for (const auto& m : migrations()) {
      if (m.version > 7) continue;
      conn.exec(m.sql);
      sql::Statement(conn, "INSERT INTO schema_migrations VALUES (?, ?, 1)")
          .bind(1, static_cast<std::int64_t>(m.version))
          .bind(2, m.name)
          .run();
    }
    conn.exec(
        "INSERT INTO organisations VALUES ('org1', 1);"
        "INSERT INTO users (id, org_id, role, display_name, email, password_hash, created_at) "
        "VALUES ('adm', 'org1', 'admin', 'Adelaide Oldschema', 'adelaide@legacy.example', 'h', 1),"
        "('pat', 'org1', 'patient', 'Barnaby Legacyton', 'barnaby@legacy.example', 'h', 2);"
        "INSERT INTO invitations (id, token_hash, org_id, role, display_name, invited_by, "
        "created_at, expires_at, used_at) VALUES "
        "('i1', 'open', 'org1', 'patient', 'Cordelia Invitee', 'adm', 1, 9999999999, NULL),"
        "('i2', 'used', 'org1', 'patient', 'Dorian Usedinvite', 'adm', 1, 9999999999, 5);"
        "INSERT INTO care_teams VALUES ('t1', 'org1', 'Harbour Team', NULL, 1);"
        "INSERT INTO care_team_members VALUES ('t1', 'adm', 'clinician'), ('t1', 'pat', 'patient');"
        "INSERT INTO cohorts VALUES ('c1', 'org1', 't1', 'Winter Cohort', 1);"
        "INSERT INTO webauthn_credentials (id, user_id, public_key, alg, sign_count, backed_up, "
        "name, created_at) VALUES ('cred1', 'pat', 'pk', -7, 0, 0, 'Barnaby''s YubiKey', 1);");
    sql::Statement(conn, "UPDATE users SET totp_secret = ? WHERE id = 'adm'")
        .bind(1, totp.seal(secret, "adm"))
        .run();
    sql::Statement(conn, "INSERT INTO break_glass VALUES ('bg1', 'org1', 'adm', 'pat', ?, 1, 2)")
        .bind(1, notes.seal({reason.begin(), reason.end()}, "bg1"))
        .run();
  }

  std::string db() const { return dir.file("haven.db"); }
  testing::TempDir dir;
};

TEST_F(LegacyMigrationTest, OldDatabaseIsSealedInPlaceAndStillReads) {
  {
    // The old file holds the values in clear: the check below means something.
    const auto before = file_text(db()) + file_text(db() + "-wal");
    for (const auto& v : kClearValues) {
      if (v.rfind("Panic", 0) == 0) continue;  // this one was sealed the old way
      EXPECT_NE(before.find(v), std::string::npos) << v;
    }
  }
  Keyring keyring(dir.path());
  {
    SqliteStore store(db(), 1000, keyring);
    EXPECT_TRUE(store.ready());
    auto adm = store.find_user("adm");
    ASSERT_TRUE(adm);
    EXPECT_EQ(adm->display_name, "Adelaide Oldschema");
    EXPECT_EQ(adm->email, "adelaide@legacy.example");
    EXPECT_TRUE(adm->mfa_enabled);
    EXPECT_EQ(store.find_user_by_email("barnaby@legacy.example")->display_name,
              "Barnaby Legacyton");
    EXPECT_EQ(store.find_valid_invitation("open", 10)->display_name, "Cordelia Invitee");
    EXPECT_EQ(store.find_care_team("t1")->name, "Harbour Team");
    EXPECT_EQ(store.find_cohort("c1")->name, "Winter Cohort");
    EXPECT_EQ(store.passkeys_of("pat").at(0).name, "Barnaby's YubiKey");
    EXPECT_EQ(store.list_break_glass("org1").at(0).reason, "Panic attack in waiting room");
    // The TOTP secret moved from the master-key subkey to the keyring's field key.
    auto secret = store.field_cipher("totp")->open(store.totp_state("adm").sealed_secret, "adm");
    ASSERT_TRUE(secret);
    EXPECT_EQ(std::string(secret->begin(), secret->end()), "TOTP-KEY");
  }
  // Nothing in clear is left in the file or the WAL (the store checkpointed and
  // vacuumed after sealing), checked both as written and case-insensitively.
  auto after = file_text(db()) + file_text(db() + "-wal");
  std::string lowered = after;
  for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& v : kClearValues) {
    std::string lv = v;
    for (auto& c : lv) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(after.find(v), std::string::npos) << v;
    EXPECT_EQ(lowered.find(lv), std::string::npos) << v;
  }
}

TEST_F(LegacyMigrationTest, SealingIsIdempotentAndSurvivesReopening) {
  Keyring keyring(dir.path());
  { SqliteStore store(db(), 1000, keyring); }
  SqliteStore store(db(), 1000, keyring);
  EXPECT_EQ(store.seal_clear_values(), 0);
  EXPECT_EQ(store.find_user("pat")->email, "barnaby@legacy.example");
  EXPECT_TRUE(store.field_cipher("totp")->open(store.totp_state("adm").sealed_secret, "adm"));
}

TEST_F(LegacyMigrationTest, WithAnotherMasterKeyTheUpgradeStopsAndChangesNothing) {
  // The wrong key file beside the database: the old TOTP secret does not open, so the
  // migration (one transaction) stops before anything is written.
  testing::TempDir other;
  std::filesystem::copy_file(db(), other.file("haven.db"));
  testing::TestKeys wrong(other);
  EXPECT_THROW(SqliteStore(other.file("haven.db"), 1000, wrong), std::runtime_error);
  sql::Connection conn(other.file("haven.db"), 1000);
  sql::Statement q(conn, "SELECT MAX(version) FROM schema_migrations");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.integer(0), 7);
  sql::Statement name(conn, "SELECT display_name FROM users WHERE id = 'adm'");
  ASSERT_TRUE(name.step());
  EXPECT_EQ(name.text(0), "Adelaide Oldschema");
}

}  // namespace
}  // namespace haven
