// RFC 9162 §2.1 Merkle tree hashes over SHA-256: leaf hash H(0x00 || entry), node hash
// H(0x01 || left || right), the tree head of any prefix of the log, inclusion proofs
// (§2.1.3) and consistency proofs (§2.1.4), with their verification algorithms.
//
// MerkleTree keeps every perfect subtree hash it has completed (levels_[k][i] is the hash
// of leaves [i*2^k, (i+1)*2^k)), so appending is amortised O(1), and the head of any
// earlier size or a proof costs O(log^2 n) hash look-ups instead of a rebuild.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace haven::audit {

using Hash = std::array<std::uint8_t, 32>;

// RFC 9162 §2.1.1: MTH({}) = HASH(), the hash of the empty string.
Hash empty_tree_hash();
// RFC 9162 §2.1.1: MTH({d(0)}) = HASH(0x00 || d(0)).
Hash hash_leaf(std::string_view entry);
// RFC 9162 §2.1.1: HASH(0x01 || MTH(left) || MTH(right)).
Hash hash_children(const Hash& left, const Hash& right);

class MerkleTree {
 public:
  void append(const Hash& leaf_hash);
  std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  const Hash& leaf(std::uint64_t index) const { return levels_.at(0).at(index); }

  // MTH(D[0:size]) for size <= size(); throws std::out_of_range otherwise.
  Hash root(std::uint64_t size) const;
  Hash root() const { return root(size()); }

  // RFC 9162 §2.1.3.1 PATH(index, D[0:size]); needs index < size <= size().
  std::vector<Hash> inclusion_proof(std::uint64_t index, std::uint64_t size) const;
  // RFC 9162 §2.1.4.1 PROOF(first, D[0:second]); needs 0 < first <= second <= size().
  std::vector<Hash> consistency_proof(std::uint64_t first, std::uint64_t second) const;

 private:
  // MTH(D[begin:end]); begin is aligned as in every range of the §2.1.1 recursion.
  Hash subtree(std::uint64_t begin, std::uint64_t end) const;
  void path(std::uint64_t index, std::uint64_t begin, std::uint64_t end,
            std::vector<Hash>& out) const;
  void subproof(std::uint64_t first, std::uint64_t begin, std::uint64_t end, bool whole,
                std::vector<Hash>& out) const;

  std::vector<std::vector<Hash>> levels_;
};

// RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or nullopt if the proof does
// not fit (index >= size, too long or too short).
std::optional<Hash> root_from_inclusion_proof(std::uint64_t index, std::uint64_t size,
                                              const Hash& leaf_hash,
                                              const std::vector<Hash>& proof);
bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                      const std::vector<Hash>& proof, const Hash& root);

// RFC 9162 §2.1.4.2 for 0 < first < second; first == second needs an empty proof and
// equal roots. Anything else (first == 0, first > second) does not verify.
bool verify_consistency(std::uint64_t first, std::uint64_t second, const Hash& first_root,
                        const Hash& second_root, const std::vector<Hash>& proof);

// Constant-time equality of two hashes (sodium_memcmp).
bool hash_equal(const Hash& a, const Hash& b);

}  // namespace haven::audit
