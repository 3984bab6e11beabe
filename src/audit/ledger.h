// What the audit log needs from storage: its entries in order, and its checkpoints.
// store/sqlite_audit.h implements it on SQLite with a connection of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/entry.h"

namespace haven::audit {

struct StoredEntry {
  Entry entry;
  std::string mac;  // raw bytes of the entry's authentication code; empty when missing
  // Set once retention removed the entry's content (audit.retention_years): the leaf
  // hash it had, which its authentication code still covers, so the tree stays whole.
  std::optional<Hash> pruned_leaf;
};

// The leaf hash an entry stands for: recomputed from its fields, or kept after pruning.
inline Hash stored_leaf_hash(const StoredEntry& stored) {
  return stored.pruned_leaf ? *stored.pruned_leaf : entry_leaf_hash(stored.entry);
}

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
  // Retention: the seq of the last entry before the first one written at or after `at`
  // (so pruning only ever removes a prefix of the log); 0 when there is none.
  virtual std::int64_t last_seq_before(std::int64_t at) = 0;
  // Empties the content of entries seq <= through that are not pruned yet, keeping seq,
  // time, authentication code and the leaf hash leaf_of(seq). Returns how many.
  virtual std::int64_t prune_through(std::int64_t through,
                                     const std::function<Hash(std::int64_t)>& leaf_of) = 0;
};

}  // namespace haven::audit
