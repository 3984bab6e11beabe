// What serve and the admin commands share: config loading and opening the data folder.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_key.h"
#include "cli/flags.h"
#include "config/config.h"
#include "crypto/keyring.h"
#include "store/sqlite_store.h"

namespace haven::cli {

// Parses flags and loads the config (HAVEN_CONFIG or --config, env, flags). On failure
// prints "haven <command>: <error naming the flag or key>" and returns nullopt.
std::optional<Config> load_for_command(const char* command, const std::vector<std::string>& args,
                                       const std::vector<FlagSpec>& flags);

// An open data folder: the keyring (master key files) and the database that uses it.
struct DataFolder {
  std::unique_ptr<Keyring> keyring;
  std::unique_ptr<SqliteStore> store;  // declared after the keyring: destroyed first
};

// Creates the data folder (0700), on first use the master key and the audit signing key
// (0600); loads the keyring, refusing key files that others can read (KeyFileError, one
// line), and opens the database (migrations, sealing of old clear rows). Audit entries
// are authenticated under the audit key; the process that upgrades the database to the
// tamper-evident log seals the entries written before it, once. audit_key (optional)
// receives the key.
DataFolder open_data_folder(const Config& cfg,
                            std::shared_ptr<const audit::AuditKey>* audit_key = nullptr);

// The checkpoint origin: host[:port] of the public URL ("therapy.example.org").
std::string audit_origin(const Config& cfg);

// A fresh single-use enrollment link: https://host/enroll#token=... (token in the fragment).
std::string issue_enrollment_link(const Config& cfg, Store& store);

}  // namespace haven::cli
