// The SQLite implementation of Store.
//
// Concurrency model: one connection in WAL mode, used by every server thread under one
// mutex, so each repository call (and each transaction inside it) runs alone. Calls are
// short (indexed lookups); SQLite's busy timeout covers other processes such as
// `haven admin enroll` writing to the same file.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/repositories.h"
#include "store/sqlite.h"

namespace haven {

class SqliteStore final : public Store {
 public:
  // Opens or creates the database file and applies pending migrations.
  SqliteStore(const std::string& path, int busy_timeout_ms);

  std::optional<User> find_user(const std::string& id) override;
  std::optional<User> find_user_by_email(const std::string& email) override;
  std::int64_t count_users() override;

  void create_session(const SessionRecord& session) override;
  std::optional<SessionRecord> find_session(const std::string& token_hash) override;
  void touch_session(const std::string& token_hash, std::int64_t now) override;
  void delete_session(const std::string& token_hash) override;

  void create_enrollment(const std::string& token_hash, std::int64_t now,
                         std::int64_t expires_at) override;
  EnrollmentStatus enrollment_status(const std::string& token_hash, std::int64_t now) override;
  std::optional<User> complete_enrollment(const std::string& token_hash, std::int64_t now,
                                          User admin) override;

  bool ready() override;
  void checkpoint() override;

 private:
  std::optional<User> find_user_where(const char* column, const std::string& value);

  std::mutex mutex_;
  sql::Connection conn_;
};

}  // namespace haven
