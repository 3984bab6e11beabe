#include "audit/audit_log.h"

#include <algorithm>
#include <ctime>

#include "audit/checkpoint.h"
#include "audit/entry.h"
#include "log/logger.h"

namespace haven::audit {
namespace {

constexpr std::size_t kSyncBatch = 10000;
constexpr std::int64_t kPruneEverySeconds = 24 * 3600;

// The same UTC calendar date `years` earlier.
std::int64_t years_before(std::int64_t at, std::int64_t years) {
  const auto t = static_cast<std::time_t>(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  tm.tm_year -= static_cast<int>(years);
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace

AuditLog::AuditLog(AuditLedger& ledger, const AuditKey& key, AuditLogOptions options,
                   std::int64_t now)
    : ledger_(ledger), key_(key), options_(std::move(options)), checkpointed_at_(now) {
  if (options_.every_entries < 1) options_.every_entries = 1;
  std::lock_guard lock(mutex_);
  sync_locked();
  check_latest_checkpoint_locked();
}

void AuditLog::sync_locked() {
  while (healthy_) {
    auto batch = ledger_.entries_after(static_cast<std::int64_t>(tree_.size()), kSyncBatch);
    for (const auto& stored : batch) {
      const auto expected = static_cast<std::int64_t>(tree_.size()) + 1;
      const Hash leaf = stored_leaf_hash(stored);
      if (stored.entry.seq != expected || !key_.entry_mac_matches(leaf, stored.mac)) {
        healthy_ = false;
        log::error("audit.log_inconsistent",
                   {{"seq", expected}, {"hint", "run haven audit verify; no more checkpoints"}});
        return;
      }
      tree_.append(leaf);
    }
    if (batch.size() < kSyncBatch) return;
  }
}

void AuditLog::check_latest_checkpoint_locked() {
  auto latest = ledger_.latest_checkpoint();
  if (!latest || !healthy_) return;
  auto opened = open_checkpoint(latest->note, key_.public_key());
  const bool fits = opened.checkpoint && latest->tree_size >= 0 &&
                    static_cast<std::uint64_t>(latest->tree_size) <= tree_.size() &&
                    opened.checkpoint->size == static_cast<std::uint64_t>(latest->tree_size) &&
                    hash_equal(opened.checkpoint->root, latest->root) &&
                    hash_equal(tree_.root(opened.checkpoint->size), latest->root);
  if (!fits) {
    healthy_ = false;
    log::error("audit.log_inconsistent", {{"checkpoint", latest->id},
                                          {"hint", "run haven audit verify; no more checkpoints"}});
    return;
  }
  checkpointed_size_ = static_cast<std::uint64_t>(latest->tree_size);
  checkpointed_at_ = latest->created_at;
}

std::uint64_t AuditLog::sync() {
  std::lock_guard lock(mutex_);
  sync_locked();
  return tree_.size();
}

StoredCheckpoint AuditLog::sign_locked(std::uint64_t size, std::int64_t now) {
  Checkpoint cp{options_.origin, size, tree_.root(size), now};
  StoredCheckpoint stored{0, static_cast<std::int64_t>(size), cp.root, now,
                          sign_checkpoint(cp, key_)};
  stored = ledger_.add_checkpoint(std::move(stored));
  if (size >= checkpointed_size_) {
    checkpointed_size_ = size;
    checkpointed_at_ = now;
  }
  log::debug("audit.checkpoint_signed", {{"size", size}, {"id", stored.id}});
  return stored;
}

void AuditLog::tick(std::int64_t now) {
  std::lock_guard lock(mutex_);
  sync_locked();
  if (!healthy_) return;
  const auto every = static_cast<std::uint64_t>(options_.every_entries);
  for (auto m = (checkpointed_size_ / every + 1) * every; m <= tree_.size(); m += every) {
    sign_locked(m, now);
  }
  if (tree_.size() > checkpointed_size_ && now - checkpointed_at_ >= options_.every_seconds) {
    sign_locked(tree_.size(), now);
  }
  if (options_.retention_years > 0 && now - pruned_at_ >= kPruneEverySeconds) {
    pruned_at_ = now;
    prune_locked(years_before(now, options_.retention_years));
  }
}

std::optional<StoredCheckpoint> AuditLog::checkpoint_now(std::int64_t now) {
  std::lock_guard lock(mutex_);
  sync_locked();
  if (!healthy_ || tree_.size() == 0) return std::nullopt;
  if (tree_.size() == checkpointed_size_) return ledger_.latest_checkpoint();
  return sign_locked(tree_.size(), now);
}

std::optional<StoredCheckpoint> AuditLog::latest_checkpoint() {
  std::lock_guard lock(mutex_);
  return ledger_.latest_checkpoint();
}

std::optional<StoredCheckpoint> AuditLog::checkpoint_of_size(std::uint64_t size) {
  std::lock_guard lock(mutex_);
  return ledger_.checkpoint_of_size(static_cast<std::int64_t>(size));
}

std::optional<InclusionProof> AuditLog::prove_inclusion(std::int64_t seq, std::uint64_t size) {
  std::lock_guard lock(mutex_);
  sync_locked();
  if (seq < 1 || static_cast<std::uint64_t>(seq) > size || size > tree_.size()) {
    return std::nullopt;
  }
  auto stored = ledger_.entry(seq);
  InclusionProof proof;
  proof.seq = seq;
  proof.tree_size = size;
  proof.leaf_hash = tree_.leaf(static_cast<std::uint64_t>(seq - 1));
  proof.pruned = stored && stored->pruned_leaf.has_value();
  proof.entry = stored && !proof.pruned ? encode_entry(stored->entry) : std::string();
  // The row must still be the one that was loaded (and signed).
  if (!stored ||
      !hash_equal(proof.pruned ? *stored->pruned_leaf : hash_leaf(proof.entry), proof.leaf_hash)) {
    healthy_ = false;
    log::error("audit.log_inconsistent", {{"seq", seq}, {"hint", "run haven audit verify"}});
    return std::nullopt;
  }
  proof.path = tree_.inclusion_proof(static_cast<std::uint64_t>(seq - 1), size);
  proof.root = tree_.root(size);
  return proof;
}

std::optional<ConsistencyProof> AuditLog::prove_consistency(std::uint64_t from, std::uint64_t to) {
  std::lock_guard lock(mutex_);
  sync_locked();
  if (from < 1 || from > to || to > tree_.size()) return std::nullopt;
  return ConsistencyProof{from, to, tree_.root(from), tree_.root(to),
                          tree_.consistency_proof(from, to)};
}

std::int64_t AuditLog::prune_older_than(std::int64_t cutoff) {
  std::lock_guard lock(mutex_);
  sync_locked();
  return prune_locked(cutoff);
}

std::int64_t AuditLog::prune_locked(std::int64_t cutoff) {
  if (!healthy_) return 0;  // never rewrite a log it cannot vouch for
  const std::int64_t through = std::min<std::int64_t>(ledger_.last_seq_before(cutoff),
                                                      static_cast<std::int64_t>(tree_.size()));
  if (through < 1) return 0;
  const std::int64_t pruned = ledger_.prune_through(through, [this](std::int64_t seq) {
    return tree_.leaf(static_cast<std::uint64_t>(seq - 1));
  });
  if (pruned > 0) log::info("audit.entries_pruned", {{"count", pruned}, {"through_seq", through}});
  return pruned;
}

bool AuditLog::healthy() {
  std::lock_guard lock(mutex_);
  return healthy_;
}

std::uint64_t AuditLog::size() {
  std::lock_guard lock(mutex_);
  return tree_.size();
}

}  // namespace haven::audit
