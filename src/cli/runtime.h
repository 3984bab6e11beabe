// What serve and the admin commands share: config loading and opening the data folder.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_key.h"
#include "cli/flags.h"
#include "config/config.h"
#include "store/sqlite_store.h"

namespace haven::cli {

// Parses flags and loads the config (HAVEN_CONFIG or --config, env, flags). On failure
// prints "haven <command>: <error naming the flag or key>" and returns nullopt.
std::optional<Config> load_for_command(const char* command, const std::vector<std::string>& args,
                                       const std::vector<FlagSpec>& flags);

// Creates the data folder (0700), the master key and the audit signing key (0600) and
// opens the database; audit entries are authenticated under the audit key. The process
// that upgrades the database to the tamper-evident log seals the entries written before
// it, once. audit_key (optional) receives the key.
std::unique_ptr<SqliteStore> open_data_folder(
    const Config& cfg, std::shared_ptr<const audit::AuditKey>* audit_key = nullptr);

// The checkpoint origin: host[:port] of the public URL ("therapy.example.org").
std::string audit_origin(const Config& cfg);

// A fresh single-use enrollment link: https://host/enroll#token=... (token in the fragment).
std::string issue_enrollment_link(const Config& cfg, Store& store);

}  // namespace haven::cli
