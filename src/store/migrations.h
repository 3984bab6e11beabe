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

// Applies every pending migration inside one transaction; returns how many it applied.
// Throws (and changes nothing) if one fails or the database is newer than this binary.
int apply_migrations(sql::Connection& conn);

}  // namespace haven
