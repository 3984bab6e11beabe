// Row helpers shared by the SqliteStore translation units (store/sqlite_store*.cpp).
#pragma once

#include "store/repositories.h"
#include "store/sqlite.h"

namespace haven {

inline constexpr const char* kUserColumns =
    "SELECT id, org_id, role, display_name, email, password_hash, disabled, locked, "
    "(totp_secret IS NOT NULL OR EXISTS "
    "(SELECT 1 FROM webauthn_credentials c WHERE c.user_id = users.id))";

User read_user(const sql::Statement& q);

}  // namespace haven
