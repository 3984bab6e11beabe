#include "audit/proof_json.h"

#include "audit/checkpoint.h"
#include "util/secret_bytes.h"

namespace haven::audit {
namespace {

nlohmann::json hex_list(const std::vector<Hash>& hashes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : hashes) out.push_back(hash_hex(h));
  return out;
}

nlohmann::json or_null(const std::optional<nlohmann::json>& value) {
  return value ? *value : nlohmann::json(nullptr);
}

}  // namespace

std::string hash_hex(const Hash& hash) {
  return to_hex(hash.data(), hash.size());
}

nlohmann::json checkpoint_json(const StoredCheckpoint& c) {
  auto body_end = c.note.find("\n\n");
  auto parsed = body_end == std::string::npos
                    ? std::nullopt
                    : parse_checkpoint_body(std::string_view(c.note).substr(0, body_end + 1));
  return {{"id", c.id},
          {"origin", parsed ? parsed->origin : std::string()},
          {"tree_size", c.tree_size},
          {"root_hash", hash_hex(c.root)},
          {"time", c.created_at},
          {"note", c.note}};
}

nlohmann::json inclusion_json(const InclusionProof& p,
                              const std::optional<nlohmann::json>& checkpoint) {
  const auto* entry = reinterpret_cast<const std::uint8_t*>(p.entry.data());
  return {{"seq", p.seq},
          {"leaf_index", p.seq - 1},
          {"tree_size", p.tree_size},
          {"entry", to_base64(entry, p.entry.size())},
          {"pruned", p.pruned},
          {"leaf_hash", hash_hex(p.leaf_hash)},
          {"proof", hex_list(p.path)},
          {"root_hash", hash_hex(p.root)},
          {"checkpoint", or_null(checkpoint)}};
}

nlohmann::json consistency_json(const ConsistencyProof& p,
                                const std::optional<nlohmann::json>& from_checkpoint,
                                const std::optional<nlohmann::json>& to_checkpoint) {
  return {{"from", p.from},
          {"to", p.to},
          {"first_root", hash_hex(p.from_root)},
          {"second_root", hash_hex(p.to_root)},
          {"proof", hex_list(p.path)},
          {"from_checkpoint", or_null(from_checkpoint)},
          {"to_checkpoint", or_null(to_checkpoint)}};
}

}  // namespace haven::audit
