// `haven audit verify`'s logic, independent of storage: it recomputes every entry's leaf
// hash from its fields (RFC 9162 §2.1.1) and checks, in order:
//   1. seqs run 1, 2, 3, ... without a gap (a gap is a deleted entry);
//   2. each entry's authentication code matches its recomputed leaf hash (a mismatch is a
//      modified, inserted or moved entry; the code binds the seq); an entry emptied by
//      retention keeps its leaf hash, and emptied entries must be the oldest ones;
//   3. each stored checkpoint's signatures verify under the log's key, its stored size
//      and root equal the signed ones, it covers no more entries than exist, and its root
//      equals the recomputed tree head at its size.
// The first problem found is the answer, naming the entry (by seq) or checkpoint (by id).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audit/audit_key.h"
#include "audit/ledger.h"
#include "audit/merkle.h"

namespace haven::audit {

struct VerifyResult {
  bool ok = true;
  std::int64_t bad_seq = 0;         // the first bad entry; 0 when none is known
  std::int64_t bad_checkpoint = 0;  // the bad checkpoint's id; 0 when none
  std::string problem;              // one line, when !ok
};

class LogVerifier {
 public:
  explicit LogVerifier(const AuditKey& key) : key_(key) {}

  // Feed entries in the order storage returns them (by seq). False once a problem is found.
  bool add_entry(const StoredEntry& stored);
  // After the entries. False once a problem is found.
  bool check_checkpoints(const std::vector<StoredCheckpoint>& checkpoints);

  const VerifyResult& result() const { return result_; }
  const MerkleTree& tree() const { return tree_; }
  // "ok: N entries, C checkpoints, ..." or "FAILED: ...": one line for people.
  std::string summary() const;

 private:
  bool fail(std::int64_t seq, std::int64_t checkpoint, std::string problem);

  const AuditKey& key_;
  MerkleTree tree_;
  VerifyResult result_;
  std::size_t checkpoints_ = 0;
  std::uint64_t pruned_ = 0;
  std::int64_t latest_size_ = 0;
  Hash latest_root_{};
};

}  // namespace haven::audit
