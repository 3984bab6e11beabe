// Numbered schema migrations. Append only: never edit a migration that has shipped.
#pragma once

#include <string>
#include <vector>

#include "store/sqlite.h"

namespace haven {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& migrations();

// The migration that makes the audit log tamper-evident (adds entry_mac and checkpoints).
inline constexpr int kAuditLogMigration = 8;

// Applies every pending migration inside one transaction; returns how many it applied.
// Throws (and changes nothing) if one fails or the database is newer than this binary.
int apply_migrations(sql::Connection& conn);

}  // namespace haven
