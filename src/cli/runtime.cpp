#include "cli/runtime.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "crypto/key_files.h"
#include "log/logger.h"
#include "store/migrations.h"
#include "store/sqlite_audit.h"
#include "util/secret_bytes.h"

namespace haven::cli {

std::optional<Config> load_for_command(const char* command, const std::vector<std::string>& args,
                                       const std::vector<FlagSpec>& flags) {
  ParsedFlags parsed;
  if (auto err = parse_flags(args, flags, parsed)) {
    std::cerr << "haven " << command << ": " << *err << "\n";
    return std::nullopt;
  }
  if (parsed.config_file.empty()) {
    if (const char* env = std::getenv("HAVEN_CONFIG")) parsed.config_file = env;
  }
  Config cfg;
  if (auto err = load_config(cfg, parsed.config_file, parsed.overrides)) {
    std::cerr << "haven " << command << ": " << flag_for_key(flags, err->key) << ": "
              << err->message << "\n";
    return std::nullopt;
  }
  return cfg;
}

DataFolder open_data_folder(const Config& cfg, std::shared_ptr<const audit::AuditKey>* audit_key) {
  ensure_private_dir(cfg.data_dir);
  const std::string db = cfg.data_dir + "/haven.db";
  const std::string key = master_key_path(cfg.data_dir);
  // A new key only for a new database: beside an existing one, a missing key file means
  // it was lost or not restored, and a fresh key would read nothing.
  if (std::filesystem::exists(db) && !std::filesystem::exists(key)) {
    throw KeyFileError("master key file " + key +
                       " is missing; restore it from the key backup (the database cannot be "
                       "read without it)");
  }
  ensure_master_key(key);
  auto signing = std::make_shared<const audit::AuditKey>(
      audit::AuditKey::load(cfg.data_dir + "/" + audit::kAuditKeyFile, /*create=*/true));
  const int busy = static_cast<int>(cfg.busy_timeout_ms);
  const bool upgrading = database_schema_version(db) < kAuditLogMigration;
  DataFolder folder;
  folder.keyring = std::make_unique<Keyring>(cfg.data_dir);
  folder.store = std::make_unique<SqliteStore>(db, busy, *folder.keyring);
  folder.store->set_audit_key(signing);
  if (upgrading) {
    // Only here, right after the migration: later, an entry without a code is an insertion.
    SqliteAuditLedger ledger(db, busy, sql::OpenMode::read_write);
    if (auto sealed = ledger.seal_legacy_entries(*signing); sealed > 0) {
      log::info("audit.legacy_entries_sealed", {{"count", sealed}});
    }
  }
  if (audit_key) *audit_key = signing;
  return folder;
}

std::string audit_origin(const Config& cfg) {
  return cfg.public_origin().substr(std::string("https://").size());
}

std::string issue_enrollment_link(const Config& cfg, Store& store) {
  auto token = random_token();
  auto now = static_cast<std::int64_t>(std::time(nullptr));
  store.create_enrollment(token_hash(token), now, now + cfg.enrollment_ttl_hours * 3600);
  // The fragment never leaves the browser: no server, proxy or Referer log sees the token.
  return cfg.effective_public_url() + "/enroll#token=" + token;
}

}  // namespace haven::cli
