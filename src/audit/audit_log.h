// The running server's view of the tamper-evident audit log. It keeps the Merkle tree of
// every entry in memory (loaded at start, then the new entries on each sync), signs
// checkpoints when they are due, and answers inclusion and consistency proofs.
//
// It signs only what it has checked: each entry it loads must carry the next seq and a
// valid authentication code, and the newest stored checkpoint must match the tree. At the
// first entry or checkpoint that does not, it stops signing (logged as
// audit.log_inconsistent) so it never vouches for a tampered log; `haven audit verify`
// names the problem.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_key.h"
#include "audit/ledger.h"
#include "audit/merkle.h"

namespace haven::audit {

struct AuditLogOptions {
  std::string origin;                // the checkpoint origin: host[:port] of the public URL
  std::int64_t every_entries = 100;  // a checkpoint at every multiple of this size
  std::int64_t every_seconds = 600;  // and at least this often while entries arrive
  std::int64_t retention_years = 0;  // > 0: tick() empties older entries once a day
};

struct InclusionProof {
  std::int64_t seq = 0;
  std::uint64_t tree_size = 0;
  std::string entry;    // the canonical encoding (entry.h); empty when pruned
  bool pruned = false;  // retention removed the content; the leaf hash is the one kept
  Hash leaf_hash{};
  std::vector<Hash> path;
  Hash root{};
};

struct ConsistencyProof {
  std::uint64_t from = 0, to = 0;
  Hash from_root{}, to_root{};
  std::vector<Hash> path;
};

class AuditLog {
 public:
  AuditLog(AuditLedger& ledger, const AuditKey& key, AuditLogOptions options, std::int64_t now);

  // Loads the entries appended since the last call; returns the tree size.
  std::uint64_t sync();
  // Signs the checkpoints that are due (see AuditLogOptions).
  void tick(std::int64_t now);
  // A checkpoint of the whole log, unless the newest one already covers it (shutdown, or
  // an entry newer than the newest checkpoint). nullopt when the log is empty or unhealthy.
  std::optional<StoredCheckpoint> checkpoint_now(std::int64_t now);
  std::optional<StoredCheckpoint> latest_checkpoint();
  std::optional<StoredCheckpoint> checkpoint_of_size(std::uint64_t size);

  // nullopt unless 1 <= seq <= size <= the synced size.
  std::optional<InclusionProof> prove_inclusion(std::int64_t seq, std::uint64_t size);
  // nullopt unless 1 <= from <= to <= the synced size.
  std::optional<ConsistencyProof> prove_consistency(std::uint64_t from, std::uint64_t to);

  // Retention: empties the content of the entries written before cutoff (unix seconds),
  // oldest first, keeping their leaf hashes so proofs and verification still hold.
  // Returns how many; does nothing while the log is unhealthy.
  std::int64_t prune_older_than(std::int64_t cutoff);

  bool healthy();
  std::uint64_t size();
  const std::string& origin() const { return options_.origin; }
  const PublicKey& public_key() const { return key_.public_key(); }

 private:
  void sync_locked();
  void check_latest_checkpoint_locked();
  StoredCheckpoint sign_locked(std::uint64_t size, std::int64_t now);
  std::int64_t prune_locked(std::int64_t cutoff);

  std::mutex mutex_;
  AuditLedger& ledger_;
  const AuditKey& key_;
  AuditLogOptions options_;
  MerkleTree tree_;
  bool healthy_ = true;
  std::uint64_t checkpointed_size_ = 0;  // the newest checkpoint's size
  std::int64_t checkpointed_at_ = 0;     // and when it was made (or when we started)
  std::int64_t pruned_at_ = 0;           // when retention last ran
};

}  // namespace haven::audit
