// Row helpers shared by the SqliteStore translation units (store/sqlite_store*.cpp).
#pragma once

#include "store/field_sealer.h"
#include "store/repositories.h"
#include "store/sqlite.h"

namespace haven {

inline constexpr const char* kUserColumns =
    "SELECT id, org_id, role, display_name, email, password_hash, disabled, locked, "
    "(totp_secret IS NOT NULL OR EXISTS "
    "(SELECT 1 FROM webauthn_credentials c WHERE c.user_id = users.id)), guest_of IS NOT NULL";

// A row of kUserColumns, with display_name and email opened.
User read_user(const sql::Statement& q, FieldSealer& sealer);

// A row of "id, user_id, public_key, alg, sign_count, backed_up, name, created_at" from
// webauthn_credentials, with the name opened.
Passkey read_passkey(const sql::Statement& q, FieldSealer& sealer);

}  // namespace haven
