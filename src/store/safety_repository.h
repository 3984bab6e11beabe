// Clinical safety at the start of a session (docs/SESSIONS.md "Safety check at the start"):
// before joining, a patient (or guest) confirms where they are right now and whom to call
// in an emergency; the room's owner reads it when the session starts. The three texts are
// PHI: sealed under the person's own data key (an erasure shreds them and deletes the rows).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace haven {

struct User;

struct SafetyCheck {
  std::string room_id;
  std::string user_id;
  std::string location;      // free text: an address, or at least the town
  std::string contact_name;  // the emergency contact
  std::string contact_phone;
  std::int64_t confirmed_at = 0;
};

class SafetyRepository {
 public:
  virtual ~SafetyRepository() = default;
  // Creates or replaces `person`'s confirmation for the room (the latest one counts).
  virtual void save_safety_check(const User& person, const SafetyCheck& check) = 0;
  // Every confirmation of a room, one per person.
  virtual std::vector<SafetyCheck> safety_checks_of_room(const std::string& room_id) = 0;
  // The person's most recent confirmation in any room (the pre-join prefills its
  // emergency contact from it); nullopt when they never confirmed one.
  virtual std::optional<SafetyCheck> latest_safety_check(const std::string& user_id) = 0;
};

}  // namespace haven
