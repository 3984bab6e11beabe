// What the MLS delivery service keeps (docs/E2EE.md): each browser device's public
// signature key, its unused KeyPackages, and per room one MLS group's epoch and ordered
// messages. All of it is public keys, ids, times and ciphertext the server cannot read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace haven {

using ByteVector = std::vector<std::uint8_t>;

// A browser device's MLS identity (RFC 9420 §5.3): the Ed25519 public key every one of its
// KeyPackages and leaf nodes carries.
struct Device {
  std::string id;
  std::string user_id;
  ByteVector signature_key;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_seen_at;
  std::optional<std::int64_t> revoked_at;
  bool active() const { return !revoked_at.has_value(); }
};

class DeviceRepository {
 public:
  virtual ~DeviceRepository() = default;
  virtual std::string register_device(const std::string& user_id, const ByteVector& signature_key,
                                      std::int64_t now) = 0;
  virtual std::optional<Device> find_device(const std::string& id) = 0;
  // Every device of the user, revoked ones included, oldest first.
  virtual std::vector<Device> devices_of(const std::string& user_id) = 0;
  virtual void touch_device(const std::string& id, std::int64_t now) = 0;
  // Marks the device revoked and deletes its KeyPackages; false if already revoked/unknown.
  virtual bool revoke_device(const std::string& id, std::int64_t now) = 0;
  // Adds KeyPackages unless that would leave more than `max_outstanding` unused ones;
  // returns the number outstanding afterwards, or nullopt (and adds none) when over.
  virtual std::optional<int> add_key_packages(const std::string& device_id,
                                              const std::vector<ByteVector>& key_packages,
                                              int max_outstanding, std::int64_t now) = 0;
  // Removes and returns the device's oldest unused KeyPackage (single use, RFC 9420 §16.8).
  virtual std::optional<ByteVector> claim_key_package(const std::string& device_id) = 0;
  virtual int count_key_packages(const std::string& device_id) = 0;
};

// One message the delivery service accepted, in the group's order.
struct GroupMessage {
  std::int64_t seq = 0;
  std::int64_t epoch = 0;  // the epoch the message was sent in
  std::string kind;        // "commit", "proposal", "application" or "welcome"
  std::string sender_device_id;
  std::string sender_user_id;
  std::string recipient_device_id;  // welcome only: the one device that receives it
  ByteVector body;                  // the MLSMessage, as sent
  std::int64_t created_at = 0;
};

struct GroupState {
  std::string room_id;
  std::int64_t epoch = 0;
  std::int64_t last_seq = 0;
  std::string creator_device_id;
};

// A file shared in a session: ciphertext only (docs/E2EE.md, "Chat and files").
struct RoomFile {
  std::string id;
  std::string room_id;
  std::string uploader_id;
  std::int64_t size = 0;
  std::int64_t created_at = 0;
  ByteVector body;
};

class RoomFileRepository {
 public:
  virtual ~RoomFileRepository() = default;
  // Stores the blob unless the room's files would then exceed `max_room_bytes`
  // (nullopt, nothing stored).
  virtual std::optional<std::string> add_room_file(const std::string& room_id,
                                                   const std::string& uploader_id,
                                                   const ByteVector& body,
                                                   std::int64_t max_room_bytes,
                                                   std::int64_t now) = 0;
  virtual std::optional<RoomFile> find_room_file(const std::string& id) = 0;
};

enum class AppendOutcome { appended, no_group, epoch_conflict, stale_epoch, group_full };

// What an append needs of the group's epoch. A commit must be for exactly the current
// epoch and moves the group to the next (RFC 9420 §14: one commit per epoch); an
// application message may be for the current or the previous one (its sender has not
// processed the latest commit yet).
struct EpochRule {
  enum class Kind { commit, application };
  Kind kind = Kind::application;
  std::int64_t epoch = 0;
};

struct AppendResult {
  AppendOutcome outcome = AppendOutcome::no_group;
  std::int64_t epoch = 0;  // the group's epoch after the append, or when refused
};

class GroupRepository {
 public:
  virtual ~GroupRepository() = default;
  // Epoch 0, created by `device_id`'s client; false when the room already has a group.
  virtual bool create_group(const std::string& room_id, const std::string& device_id,
                            std::int64_t now) = 0;
  virtual std::optional<GroupState> find_group(const std::string& room_id) = 0;
  // In one transaction: the group's epoch is checked against `rule` (a commit then moves
  // it to the next), and every message gets the next sequence numbers (written into
  // `messages`). Nothing changes unless appended.
  virtual AppendResult append_group_messages(const std::string& room_id, EpochRule rule,
                                             std::vector<GroupMessage>& messages,
                                             std::int64_t max_messages) = 0;
  // Messages after `after_seq` that `device_id` may receive (welcomes only if addressed
  // to it), in order, at most `limit`.
  virtual std::vector<GroupMessage> group_messages_after(const std::string& room_id,
                                                         std::int64_t after_seq,
                                                         const std::string& device_id,
                                                         int limit) = 0;
};

}  // namespace haven
