#include "store/seal_rows.h"

#include <sodium.h>

#include <optional>
#include <stdexcept>
#include <vector>

namespace haven {
namespace {

bool is_sealed(const std::string& value) {
  return sealed_key_id(value).has_value();
}

// A value the old master-key subkey no longer opens means master.key is not the key this
// database was made with: stop (the migration's transaction rolls back, nothing changes)
// rather than lose TOTP secrets or break-glass reasons for good.
[[noreturn]] void wrong_master_key(const char* what) {
  throw std::runtime_error(std::string("upgrade stopped: a ") + what +
                           " does not open with master.key; is it this database's key?");
}

// A pre-keyring FieldCipher value re-sealed with `to`.
std::string move_cipher(const FieldCipher& from, const FieldCipher& to, const std::string& sealed,
                        const std::string& row_id) {
  auto plain = from.open(sealed, row_id);
  if (!plain) wrong_master_key("TOTP secret");
  auto out = to.seal(*plain, row_id);
  sodium_memzero(plain->data(), plain->size());
  return out;
}

struct UserRow {
  std::string id, org_id, role, display_name, email;
  bool has_index;
  std::optional<std::string> totp_secret, totp_pending;
};

std::optional<std::string> nullable(const sql::Statement& q, int column) {
  if (q.is_null(column)) return std::nullopt;
  return q.text(column);
}

int seal_users(sql::Connection& conn, FieldSealer& sealer, const LegacyCiphers* legacy) {
  std::vector<UserRow> rows;
  {
    sql::Statement q(conn,
                     "SELECT id, org_id, role, display_name, email, email_index IS NOT NULL, "
                     "totp_secret, totp_pending FROM users");
    while (q.step()) {
      rows.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.integer(5) != 0,
                      nullable(q, 6), nullable(q, 7)});
    }
  }
  int changed = 0;
  for (auto& r : rows) {
    const auto subject =
        FieldSealer::user_subject(parse_role(r.role).value_or(Role::patient), r.id, r.org_id);
    bool dirty = false;
    if (!is_sealed(r.display_name)) {
      r.display_name = sealer.seal(subject, {"users", "display_name", r.id}, r.display_name);
      dirty = true;
      ++changed;
    }
    std::optional<std::string> index;
    if (!is_sealed(r.email)) {
      index = sealer.email_index(r.email);
      r.email = sealer.seal(subject, {"users", "email", r.id}, r.email);
      ++changed;
    } else if (!r.has_index) {
      index = sealer.email_index(sealer.open({"users", "email", r.id}, r.email));
    }
    dirty = dirty || index.has_value();
    for (auto* secret : {&r.totp_secret, &r.totp_pending}) {
      if (!legacy || !*secret || (*secret)->empty()) continue;
      *secret = move_cipher(legacy->old_totp, legacy->new_totp, **secret, r.id);
      dirty = true;
      ++changed;
    }
    if (!dirty) continue;
    sql::Statement u(conn,
                     "UPDATE users SET display_name = ?, email = ?, "
                     "email_index = COALESCE(?, email_index), totp_secret = ?, totp_pending = ? "
                     "WHERE id = ?");
    u.bind(1, r.display_name).bind(2, r.email);
    u.bind_optional(3, index);
    u.bind_optional(4, r.totp_secret);
    u.bind_optional(5, r.totp_pending);
    u.bind(6, r.id).run();
  }
  return changed;
}

// Seals `column` of `table` (rows keyed by id) under the practice key of org_id.
// table and column are literals from seal_clear_rows, never input.
int seal_org_column(sql::Connection& conn, FieldSealer& sealer, const char* table,
                    const char* column, bool blank_used = false) {
  struct Row {
    std::string id, org_id, value;
    bool used;
  };
  std::vector<Row> rows;
  {
    const std::string used = blank_used ? "used_at IS NOT NULL" : "0";
    sql::Statement q(conn,
                     std::string("SELECT id, org_id, ") + column + ", " + used + " FROM " + table);
    while (q.step()) rows.push_back({q.text(0), q.text(1), q.text(2), q.integer(3) != 0});
  }
  int changed = 0;
  for (auto& r : rows) {
    if (is_sealed(r.value)) continue;
    // A used invitation's name already lives in the account it created: keep none here.
    const std::string plain = r.used ? std::string() : r.value;
    auto sealed = sealer.seal(FieldSealer::org_subject(r.org_id), {table, column, r.id}, plain);
    sql::Statement(conn, std::string("UPDATE ") + table + " SET " + column + " = ? WHERE id = ?")
        .bind(1, sealed)
        .bind(2, r.id)
        .run();
    ++changed;
  }
  return changed;
}

int seal_passkey_names(sql::Connection& conn, FieldSealer& sealer) {
  struct Row {
    std::string id, user_id, org_id, role, name;
  };
  std::vector<Row> rows;
  {
    sql::Statement q(conn,
                     "SELECT c.id, c.user_id, u.org_id, u.role, c.name FROM webauthn_credentials c "
                     "JOIN users u ON u.id = c.user_id");
    while (q.step()) rows.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)});
  }
  int changed = 0;
  for (auto& r : rows) {
    if (is_sealed(r.name)) continue;
    const auto subject =
        FieldSealer::user_subject(parse_role(r.role).value_or(Role::patient), r.user_id, r.org_id);
    sql::Statement(conn, "UPDATE webauthn_credentials SET name = ? WHERE id = ?")
        .bind(1, sealer.seal(subject, {"webauthn_credentials", "name", r.id}, r.name))
        .bind(2, r.id)
        .run();
    ++changed;
  }
  return changed;
}

// Break-glass reasons were FieldCipher-sealed under the master key; they move under the
// patient's data key, so erasing the patient covers them too.
int move_break_glass_reasons(sql::Connection& conn, FieldSealer& sealer,
                             const FieldCipher& old_notes) {
  struct Row {
    std::string id, patient_id, reason;
  };
  std::vector<Row> rows;
  {
    sql::Statement q(conn, "SELECT id, patient_id, reason_sealed FROM break_glass");
    while (q.step()) rows.push_back({q.text(0), q.text(1), q.text(2)});
  }
  int changed = 0;
  for (auto& r : rows) {
    if (is_sealed(r.reason)) continue;
    auto plain = old_notes.open(r.reason, r.id);
    if (!plain) wrong_master_key("break-glass reason");
    const std::string text(plain->begin(), plain->end());
    sql::Statement(conn, "UPDATE break_glass SET reason_sealed = ? WHERE id = ?")
        .bind(1, sealer.seal(FieldSealer::user_subject(Role::patient, r.patient_id, ""),
                             {"break_glass", "reason_sealed", r.id}, text))
        .bind(2, r.id)
        .run();
    ++changed;
  }
  return changed;
}

}  // namespace

int seal_clear_rows(sql::Connection& conn, FieldSealer& sealer, const LegacyCiphers* legacy) {
  int changed = seal_users(conn, sealer, legacy);
  changed += seal_org_column(conn, sealer, "invitations", "display_name", true);
  changed += seal_org_column(conn, sealer, "care_teams", "name");
  changed += seal_org_column(conn, sealer, "cohorts", "name");
  changed += seal_passkey_names(conn, sealer);
  if (legacy) changed += move_break_glass_reasons(conn, sealer, legacy->old_notes);
  return changed;
}

}  // namespace haven
