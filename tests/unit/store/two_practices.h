// Two practices written straight into a database file, for tests of tenant boundaries
// (the API can only ever create one practice per server).
#pragma once

#include <string>

#include "store/sqlite.h"
#include "store/sqlite_store.h"

namespace haven::testing {

// Users by role in practice "org1", and an admin and a patient in "org2". Ids are the
// names below; store must be open on db_path (it seals the rows written in clear here).
inline void seed_two_practices(SqliteStore& store, const std::string& db_path) {
  sql::Connection conn(db_path, 1000);
  conn.exec(
      "INSERT INTO organisations VALUES ('org1', 1), ('org2', 2);"
      "INSERT INTO users (id, org_id, role, display_name, email, password_hash, created_at) "
      "VALUES ('admin1', 'org1', 'admin', 'A', 'a1@x.test', 'h', 1),"
      "('ther1', 'org1', 'therapist', 'T', 't1@x.test', 'h', 2),"
      "('staff1', 'org1', 'staff', 'S', 's1@x.test', 'h', 3),"
      "('pat1', 'org1', 'patient', 'P', 'p1@x.test', 'h', 4),"
      "('pat2', 'org1', 'patient', 'Q', 'p2@x.test', 'h', 5),"
      "('admin2', 'org2', 'admin', 'B', 'a2@x.test', 'h', 6),"
      "('pat9', 'org2', 'patient', 'R', 'p9@x.test', 'h', 7);");
  store.seal_clear_values();
}

}  // namespace haven::testing
