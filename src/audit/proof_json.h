// JSON forms of checkpoints and proofs, the same for the API and the CLI. Hashes are
// lowercase hex; the canonical entry bytes and the signed note are base64 and text.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "audit/audit_log.h"
#include "audit/ledger.h"

namespace haven::audit {

// {"id", "origin", "tree_size", "root_hash", "time", "note"}; origin as in the note.
nlohmann::json checkpoint_json(const StoredCheckpoint& checkpoint);
// {"seq", "leaf_index", "tree_size", "entry", "leaf_hash", "proof", "root_hash",
//  "checkpoint": the checkpoint of tree_size or null}
nlohmann::json inclusion_json(const InclusionProof& proof,
                              const std::optional<nlohmann::json>& checkpoint);
// {"from", "to", "first_root", "second_root", "proof",
//  "from_checkpoint", "to_checkpoint": the checkpoints of those sizes or null}
nlohmann::json consistency_json(const ConsistencyProof& proof,
                                const std::optional<nlohmann::json>& from_checkpoint,
                                const std::optional<nlohmann::json>& to_checkpoint);

std::string hash_hex(const Hash& hash);

}  // namespace haven::audit
