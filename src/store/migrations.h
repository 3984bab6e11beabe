// Numbered schema migrations. Append only: never edit a migration that has shipped.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "store/sqlite.h"

namespace haven {

struct Migration {
  int version;
  const char* name;
  const char* sql;
  // Data changes SQL cannot make (sealing existing rows needs the keyring): the caller
  // passes the step to apply_migrations, which runs it after the SQL, in the same
  // transaction.
  bool has_code_step = false;
};

const std::vector<Migration>& migrations();

// The migration that makes the audit log tamper-evident (adds entry_mac and checkpoints).
inline constexpr int kAuditLogMigration = 8;
// Code steps by migration version.
using MigrationSteps = std::map<int, std::function<void(sql::Connection&)>>;

// Applies every pending migration inside one transaction; returns how many it applied.
// Throws (and changes nothing) if one fails, a pending migration's code step is missing,
// or the database is newer than this binary.
int apply_migrations(sql::Connection& conn, const MigrationSteps& steps = {});

}  // namespace haven
