// SqliteStore: the safety check at the start of a session (store/safety_repository.h).
// Location and emergency contact are sealed under the person's own data key, so erasing a
// patient shreds them with the rest of their PHI; ids and times stay in clear for queries.
#include "store/sqlite_store.h"

namespace haven {
namespace {

// The row a sealed value belongs to: ids are [A-Za-z0-9_-], so '/' cannot be part of one
// and a value moved to another person's or room's row does not open.
std::string safety_row(const std::string& room_id, const std::string& user_id) {
  return room_id + "/" + user_id;
}

constexpr const char* kSelect =
    "SELECT room_id, user_id, location, contact_name, contact_phone, confirmed_at "
    "FROM safety_checks ";

// Caller holds mutex_. Columns as in kSelect.
SafetyCheck read_check(FieldSealer& sealer, sql::Statement& q) {
  SafetyCheck c{q.text(0), q.text(1), {}, {}, {}, q.integer(5)};
  const std::string row = safety_row(c.room_id, c.user_id);
  c.location = sealer.open({"safety_checks", "location", row}, q.text(2));
  c.contact_name = sealer.open({"safety_checks", "contact_name", row}, q.text(3));
  c.contact_phone = sealer.open({"safety_checks", "contact_phone", row}, q.text(4));
  return c;
}

}  // namespace

void SqliteStore::save_safety_check(const User& person, const SafetyCheck& check) {
  std::lock_guard lock(mutex_);
  const std::string subject = FieldSealer::user_subject(person.role, person.id, person.org_id);
  const std::string row = safety_row(check.room_id, person.id);
  auto seal = [&](const char* column, const std::string& text) {
    return sealer_.seal(subject, {"safety_checks", column, row}, text);
  };
  sql::Statement(conn_,
                 "INSERT INTO safety_checks (room_id, user_id, location, contact_name, "
                 "contact_phone, confirmed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                 "ON CONFLICT (room_id, user_id) DO UPDATE SET location = ?3, "
                 "contact_name = ?4, contact_phone = ?5, confirmed_at = ?6")
      .bind(1, check.room_id)
      .bind(2, person.id)
      .bind(3, seal("location", check.location))
      .bind(4, seal("contact_name", check.contact_name))
      .bind(5, seal("contact_phone", check.contact_phone))
      .bind(6, check.confirmed_at)
      .run();
}

std::vector<SafetyCheck> SqliteStore::safety_checks_of_room(const std::string& room_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kSelect) + "WHERE room_id = ? ORDER BY confirmed_at");
  q.bind(1, room_id);
  std::vector<SafetyCheck> out;
  while (q.step()) out.push_back(read_check(sealer_, q));
  return out;
}

std::optional<SafetyCheck> SqliteStore::latest_safety_check(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kSelect) +
                              "WHERE user_id = ? ORDER BY confirmed_at DESC, rowid DESC LIMIT 1");
  q.bind(1, user_id);
  if (!q.step()) return std::nullopt;
  return read_check(sealer_, q);
}

}  // namespace haven
