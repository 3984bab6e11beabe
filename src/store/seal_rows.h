// Migration 9's code step: seals, in place, every PHI value a database from before
// envelope encryption holds in clear, and moves values the handlers sealed with the
// master-key-derived FieldCipher (TOTP secrets, break-glass reasons) onto keyring keys,
// so a data folder from an older version keeps working and its file stops holding PHI.
#pragma once

#include "crypto/field_cipher.h"
#include "store/field_sealer.h"
#include "store/sqlite.h"

namespace haven {

// Pre-keyring ciphers: FieldCipher(master key, purpose), and the new TOTP cipher.
struct LegacyCiphers {
  const FieldCipher& old_totp;
  const FieldCipher& new_totp;
  const FieldCipher& old_notes;
};

// Idempotent: values already sealed are left as they are. legacy may be null (nothing
// pre-keyring to move, e.g. rows seeded in clear by a test). Returns how many values
// it changed. Runs inside the caller's transaction.
int seal_clear_rows(sql::Connection& conn, FieldSealer& sealer, const LegacyCiphers* legacy);

}  // namespace haven
