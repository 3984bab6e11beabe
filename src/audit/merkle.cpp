#include "audit/merkle.h"

#include <sodium.h>

#include <bit>
#include <stdexcept>

namespace haven::audit {
namespace {

Hash finish(crypto_hash_sha256_state& state) {
  Hash out;
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

// k of RFC 9162 §2.1.1: the largest power of two smaller than n (n > 1).
std::uint64_t split_point(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

}  // namespace

Hash empty_tree_hash() {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  return finish(state);
}

Hash hash_leaf(std::string_view entry) {
  static constexpr unsigned char kLeafPrefix = 0x00;
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, &kLeafPrefix, 1);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(entry.data()),
                            entry.size());
  return finish(state);
}

Hash hash_children(const Hash& left, const Hash& right) {
  static constexpr unsigned char kNodePrefix = 0x01;
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, &kNodePrefix, 1);
  crypto_hash_sha256_update(&state, left.data(), left.size());
  crypto_hash_sha256_update(&state, right.data(), right.size());
  return finish(state);
}

bool hash_equal(const Hash& a, const Hash& b) {
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void MerkleTree::append(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // Every time a level gets an even count, a perfect subtree one level up is complete.
  for (std::size_t k = 0; levels_[k].size() % 2 == 0; ++k) {
    if (levels_.size() == k + 1) levels_.emplace_back();
    const auto& level = levels_[k];
    levels_[k + 1].push_back(hash_children(level[level.size() - 2], level.back()));
  }
}

Hash MerkleTree::subtree(std::uint64_t begin, std::uint64_t end) const {
  const std::uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    return levels_[std::countr_zero(n)][begin >> std::countr_zero(n)];
  }
  const std::uint64_t k = split_point(n);
  return hash_children(subtree(begin, begin + k), subtree(begin + k, end));
}

Hash MerkleTree::root(std::uint64_t size) const {
  if (size > this->size()) throw std::out_of_range("tree size beyond the log");
  return size == 0 ? empty_tree_hash() : subtree(0, size);
}

// PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])    for m < k
//              = PATH(m - k, D[k:n]) : MTH(D[0:k]) for m >= k    (RFC 9162 §2.1.3.1)
void MerkleTree::path(std::uint64_t index, std::uint64_t begin, std::uint64_t end,
                      std::vector<Hash>& out) const {
  const std::uint64_t n = end - begin;
  if (n == 1) return;
  const std::uint64_t k = split_point(n);
  if (index < k) {
    path(index, begin, begin + k, out);
    out.push_back(subtree(begin + k, end));
  } else {
    path(index - k, begin + k, end, out);
    out.push_back(subtree(begin, begin + k));
  }
}

std::vector<Hash> MerkleTree::inclusion_proof(std::uint64_t index, std::uint64_t size) const {
  if (index >= size || size > this->size()) throw std::out_of_range("no such leaf");
  std::vector<Hash> out;
  path(index, 0, size, out);
  return out;
}

// SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])};
// for m < n: m <= k: SUBPROOF(m, D[0:k], b) : MTH(D[k:n]);
//            m > k:  SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])   (RFC 9162 §2.1.4.1)
void MerkleTree::subproof(std::uint64_t first, std::uint64_t begin, std::uint64_t end, bool whole,
                          std::vector<Hash>& out) const {
  const std::uint64_t n = end - begin;
  if (first == n) {
    if (!whole) out.push_back(subtree(begin, end));
    return;
  }
  const std::uint64_t k = split_point(n);
  if (first <= k) {
    subproof(first, begin, begin + k, whole, out);
    out.push_back(subtree(begin + k, end));
  } else {
    subproof(first - k, begin + k, end, false, out);
    out.push_back(subtree(begin, begin + k));
  }
}

std::vector<Hash> MerkleTree::consistency_proof(std::uint64_t first, std::uint64_t second) const {
  if (first == 0 || first > second || second > size()) throw std::out_of_range("bad sizes");
  std::vector<Hash> out;
  subproof(first, 0, second, true, out);
  return out;
}

std::optional<Hash> root_from_inclusion_proof(std::uint64_t index, std::uint64_t size,
                                              const Hash& leaf_hash,
                                              const std::vector<Hash>& proof) {
  // RFC 9162 §2.1.3.2, steps 1-5.
  if (index >= size) return std::nullopt;
  std::uint64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return std::nullopt;
    if ((fn & 1) != 0 || fn == sn) {
      r = hash_children(p, r);
      while (fn != 0 && (fn & 1) == 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = hash_children(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return std::nullopt;
  return r;
}

bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                      const std::vector<Hash>& proof, const Hash& root) {
  auto computed = root_from_inclusion_proof(index, size, leaf_hash, proof);
  return computed && hash_equal(*computed, root);
}

bool verify_consistency(std::uint64_t first, std::uint64_t second, const Hash& first_root,
                        const Hash& second_root, const std::vector<Hash>& proof) {
  if (first == 0 || first > second) return false;
  if (first == second) return proof.empty() && hash_equal(first_root, second_root);
  // RFC 9162 §2.1.4.2, steps 1-7.
  if (proof.empty()) return false;
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(first)) path.push_back(first_root);
  path.insert(path.end(), proof.begin(), proof.end());
  std::uint64_t fn = first - 1, sn = second - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      fr = hash_children(c, fr);
      sr = hash_children(c, sr);
      while (fn != 0 && (fn & 1) == 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = hash_children(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && hash_equal(fr, first_root) && hash_equal(sr, second_root);
}

}  // namespace haven::audit
