// What the audit log needs from storage: its entries in order, and its checkpoints.
// store/sqlite_audit.h implements it on SQLite with a connection of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/entry.h"

namespace haven::audit {

struct StoredEntry {
  Entry entry;
  std::string mac;  // raw bytes of the entry's authentication code; empty when missing
};

struct StoredCheckpoint {
  std::int64_t id = 0;
  std::int64_t tree_size = 0;
  Hash root{};
  std::int64_t created_at = 0;  // unix seconds
  std::string note;             // the signed note (checkpoint.h)
};

class AuditLedger {
 public:
  virtual ~AuditLedger() = default;
  // Entries with seq > after in seq order, at most limit of them.
  virtual std::vector<StoredEntry> entries_after(std::int64_t after, std::size_t limit) = 0;
  virtual std::optional<StoredEntry> entry(std::int64_t seq) = 0;
  // Every checkpoint in the order they were made.
  virtual std::vector<StoredCheckpoint> checkpoints() = 0;
  // The one with the largest tree size (the newest of those).
  virtual std::optional<StoredCheckpoint> latest_checkpoint() = 0;
  virtual std::optional<StoredCheckpoint> checkpoint_of_size(std::int64_t tree_size) = 0;
  // Stores it and returns it with its id.
  virtual StoredCheckpoint add_checkpoint(StoredCheckpoint checkpoint) = 0;
};

}  // namespace haven::audit
