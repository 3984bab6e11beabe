#include "audit/verifier.h"

#include "audit/checkpoint.h"
#include "util/secret_bytes.h"

namespace haven::audit {
namespace {

std::string short_hex(const Hash& h) {
  return to_hex(h.data(), 8);
}

}  // namespace

bool LogVerifier::fail(std::int64_t seq, std::int64_t checkpoint, std::string problem) {
  result_ = {false, seq, checkpoint, std::move(problem)};
  return false;
}

bool LogVerifier::add_entry(const StoredEntry& stored) {
  if (!result_.ok) return false;
  const auto expected = static_cast<std::int64_t>(tree_.size()) + 1;
  const std::int64_t seq = stored.entry.seq;
  if (seq != expected) {
    return fail(expected, 0,
                "entry seq " + std::to_string(expected) + " is missing (the next entry has seq " +
                    std::to_string(seq) + "): deleted or reordered");
  }
  if (stored.pruned_leaf) {
    ++pruned_;
    if (tree_.size() > pruned_ - 1) {
      return fail(seq, 0,
                  "entry seq " + std::to_string(seq) +
                      " was emptied after newer entries were kept: retention only removes the "
                      "oldest entries");
    }
  }
  const Hash leaf = stored_leaf_hash(stored);
  if (stored.mac.empty()) {
    return fail(
        seq, 0,
        "entry seq " + std::to_string(seq) + " has no authentication code: inserted outside Haven");
  }
  if (!key_.entry_mac_matches(leaf, stored.mac)) {
    return fail(seq, 0,
                "entry seq " + std::to_string(seq) +
                    " does not match its authentication code: modified, inserted or reordered");
  }
  tree_.append(leaf);
  return true;
}

bool LogVerifier::check_checkpoints(const std::vector<StoredCheckpoint>& checkpoints) {
  if (!result_.ok) return false;
  const auto entries = static_cast<std::int64_t>(tree_.size());
  for (const auto& stored : checkpoints) {
    const std::string name = "checkpoint " + std::to_string(stored.id) + " (size " +
                             std::to_string(stored.tree_size) + ")";
    auto opened = open_checkpoint(stored.note, key_.public_key());
    if (!opened.checkpoint) return fail(0, stored.id, name + ": " + opened.error);
    const Checkpoint& cp = *opened.checkpoint;
    if (static_cast<std::int64_t>(cp.size) != stored.tree_size ||
        !hash_equal(cp.root, stored.root)) {
      return fail(0, stored.id, name + ": its stored size or root differs from its signed note");
    }
    if (stored.tree_size > entries) {
      return fail(entries + 1, stored.id,
                  "entry seq " + std::to_string(entries + 1) + " is missing: " + name + " covers " +
                      std::to_string(stored.tree_size) + " entries but only " +
                      std::to_string(entries) + " exist");
    }
    if (!hash_equal(tree_.root(static_cast<std::uint64_t>(stored.tree_size)), cp.root)) {
      return fail(0, stored.id,
                  name + " does not match the entries: one of seq 1.." +
                      std::to_string(stored.tree_size) + " was changed");
    }
    ++checkpoints_;
    if (stored.tree_size >= latest_size_) {
      latest_size_ = stored.tree_size;
      latest_root_ = cp.root;
    }
  }
  return true;
}

std::string LogVerifier::summary() const {
  if (!result_.ok) return "FAILED: " + result_.problem;
  const auto entries = static_cast<std::int64_t>(tree_.size());
  std::string out = "ok: " + std::to_string(entries) + " entries and " +
                    std::to_string(checkpoints_) + " signed checkpoints verified";
  if (pruned_ > 0) {
    out += " (the oldest " + std::to_string(pruned_) +
           " entries were emptied by retention; their hashes still verify)";
  }
  if (checkpoints_ == 0) return out + "; no checkpoint yet";
  return out + "; latest checkpoint at size " + std::to_string(latest_size_) + " (root " +
         short_hex(latest_root_) + "...), " + std::to_string(entries - latest_size_) +
         " newer entries covered by their authentication codes only";
}

}  // namespace haven::audit
