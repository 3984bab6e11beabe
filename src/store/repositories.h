// What handlers may ask of storage. Handlers see only these interfaces, so a PostgreSQL
// implementation can be added beside store/sqlite_store.cpp without touching api/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace haven {

enum class Role { admin, therapist, staff, patient };
const char* role_name(Role role);
std::optional<Role> parse_role(std::string_view text);

struct User {
  std::string id;  // opaque, random
  std::string org_id;
  Role role = Role::patient;
  std::string display_name;
  std::string email;  // stored normalised (lowercase)
  std::string password_hash;
  bool disabled = false;
};

struct SessionRecord {
  std::string token_hash;  // SHA-256 of the cookie token; the token itself is never stored
  std::string user_id;
  std::int64_t created_at = 0;  // unix seconds
  std::int64_t last_seen_at = 0;
  std::int64_t expires_at = 0;  // absolute limit
};

enum class EnrollmentStatus { valid, invalid };

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual std::optional<User> find_user(const std::string& id) = 0;
  virtual std::optional<User> find_user_by_email(const std::string& email) = 0;
  virtual std::int64_t count_users() = 0;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual void create_session(const SessionRecord& session) = 0;
  virtual std::optional<SessionRecord> find_session(const std::string& token_hash) = 0;
  virtual void touch_session(const std::string& token_hash, std::int64_t now) = 0;
  virtual void delete_session(const std::string& token_hash) = 0;
};

class EnrollmentRepository {
 public:
  virtual ~EnrollmentRepository() = default;
  // Stores a new first-admin token and revokes every earlier unused one, so only the
  // most recently printed link works.
  virtual void create_enrollment(const std::string& token_hash, std::int64_t now,
                                 std::int64_t expires_at) = 0;
  virtual EnrollmentStatus enrollment_status(const std::string& token_hash,
                                             std::int64_t now) = 0;
  // In one transaction: consume the token (single use), create the practice if there is
  // none, and create the admin. nullopt when the token is not valid or the email is taken;
  // then nothing changed.
  virtual std::optional<User> complete_enrollment(const std::string& token_hash,
                                                  std::int64_t now, User admin) = 0;
};

class Store : public UserRepository, public SessionRepository, public EnrollmentRepository {
 public:
  // Cheap round trip for /readyz.
  virtual bool ready() = 0;
  // Folds the WAL into the main file (graceful shutdown).
  virtual void checkpoint() = 0;
};

}  // namespace haven
