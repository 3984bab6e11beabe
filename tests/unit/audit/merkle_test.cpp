// RFC 9162 §2.1 Merkle tree: published vectors, an independent reference, and properties.
#include "audit/merkle.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "util/secret_bytes.h"

namespace haven::audit {
namespace {

Hash h(const std::string& hex) {
  Hash out{};
  std::size_t len = 0;
  EXPECT_EQ(sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr),
            0);
  EXPECT_EQ(len, 32u);
  return out;
}

std::string bytes(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(),
                 nullptr, nullptr, nullptr);
  return out;
}

std::string hex(const Hash& hash) {
  return to_hex(hash.data(), hash.size());
}

// Published RFC 6962 / RFC 9162 test data: the eight leaves and the tree heads of sizes
// 1..8, inclusion and consistency proofs, as in github.com/transparency-dev/merkle
// proof/verify_test.go (inherited from google/certificate-transparency's merkle tests).
const std::vector<std::string> kLeaves = {"",
                                          "00",
                                          "10",
                                          "2021",
                                          "3031",
                                          "40414243",
                                          "5051525354555657",
                                          "606162636465666768696a6b6c6d6e6f"};
const std::vector<std::string> kRoots = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

struct ProofVector {
  std::uint64_t a, b;  // inclusion: leaf number (from 1) and size; consistency: sizes
  std::vector<std::string> proof;
};

const std::vector<ProofVector> kInclusion = {
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {3, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {2,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

const std::vector<ProofVector> kConsistency = {
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

MerkleTree published_tree() {
  MerkleTree tree;
  for (auto& leaf : kLeaves) tree.append(hash_leaf(bytes(leaf)));
  return tree;
}

std::vector<std::string> hexes(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (auto& x : hashes) out.push_back(hex(x));
  return out;
}

std::vector<Hash> unhex(const std::vector<std::string>& hexes) {
  std::vector<Hash> out;
  for (auto& x : hexes) out.push_back(h(x));
  return out;
}

TEST(Merkle, EmptyTreeIsTheHashOfNothing) {
  EXPECT_EQ(hex(empty_tree_hash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(MerkleTree().root()), hex(empty_tree_hash()));
}

TEST(Merkle, PublishedTreeHeads) {
  auto tree = published_tree();
  for (std::uint64_t n = 1; n <= 8; ++n) EXPECT_EQ(hex(tree.root(n)), kRoots[n - 1]) << n;
}

TEST(Merkle, PublishedInclusionProofs) {
  auto tree = published_tree();
  for (auto& v : kInclusion) {
    SCOPED_TRACE(std::to_string(v.a) + " in " + std::to_string(v.b));
    EXPECT_EQ(hexes(tree.inclusion_proof(v.a - 1, v.b)), v.proof);
    EXPECT_TRUE(
        verify_inclusion(v.a - 1, v.b, tree.leaf(v.a - 1), unhex(v.proof), h(kRoots[v.b - 1])));
  }
}

TEST(Merkle, PublishedConsistencyProofs) {
  auto tree = published_tree();
  for (auto& v : kConsistency) {
    SCOPED_TRACE(std::to_string(v.a) + " to " + std::to_string(v.b));
    EXPECT_EQ(hexes(tree.consistency_proof(v.a, v.b)), v.proof);
    EXPECT_TRUE(
        verify_consistency(v.a, v.b, h(kRoots[v.a - 1]), h(kRoots[v.b - 1]), unhex(v.proof)));
    // Swapped roots and a truncated proof must fail.
    EXPECT_FALSE(
        verify_consistency(v.a, v.b, h(kRoots[v.b - 1]), h(kRoots[v.a - 1]), unhex(v.proof)));
    auto shorter = unhex(v.proof);
    shorter.pop_back();
    EXPECT_FALSE(verify_consistency(v.a, v.b, h(kRoots[v.a - 1]), h(kRoots[v.b - 1]), shorter));
  }
}

// The definition of RFC 9162 §2.1.1 written out directly, as an independent reference.
Hash reference_mth(const std::vector<Hash>& leaves, std::size_t begin, std::size_t end) {
  if (end == begin) return empty_tree_hash();
  if (end - begin == 1) return leaves[begin];
  std::size_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  return hash_children(reference_mth(leaves, begin, begin + k),
                       reference_mth(leaves, begin + k, end));
}

TEST(Merkle, EveryPrefixMatchesTheDefinition) {
  MerkleTree tree;
  std::vector<Hash> leaves;
  for (int i = 0; i < 300; ++i) {
    leaves.push_back(hash_leaf("entry " + std::to_string(i)));
    tree.append(leaves.back());
  }
  for (std::size_t n = 0; n <= leaves.size(); ++n) {
    ASSERT_EQ(hex(tree.root(n)), hex(reference_mth(leaves, 0, n))) << n;
  }
  EXPECT_THROW(tree.root(301), std::out_of_range);
}

Hash flipped(Hash x, std::size_t byte, int bit) {
  x[byte] ^= static_cast<std::uint8_t>(1u << bit);
  return x;
}

// Property: for sizes 1..64 every inclusion proof verifies, and any changed bit (of each
// byte of each proof element, of the leaf, of the root), another index, an index beyond
// the size or an extra element does not.
TEST(Merkle, EveryInclusionProofVerifiesAndNoFlippedBitDoes) {
  MerkleTree tree;
  for (int i = 0; i < 64; ++i) tree.append(hash_leaf(std::string(1, static_cast<char>(i))));
  for (std::uint64_t size = 1; size <= 64; ++size) {
    const Hash root = tree.root(size);
    for (std::uint64_t index = 0; index < size; ++index) {
      auto proof = tree.inclusion_proof(index, size);
      const Hash& leaf = tree.leaf(index);
      ASSERT_TRUE(verify_inclusion(index, size, leaf, proof, root)) << index << "/" << size;
      for (std::size_t e = 0; e < proof.size(); ++e) {
        for (std::size_t b = 0; b < 32; ++b) {
          auto bad = proof;
          bad[e] = flipped(bad[e], b, static_cast<int>(b % 8));
          ASSERT_FALSE(verify_inclusion(index, size, leaf, bad, root));
        }
      }
      for (std::size_t b = 0; b < 32; ++b) {
        ASSERT_FALSE(verify_inclusion(index, size, flipped(leaf, b, 0), proof, root));
        ASSERT_FALSE(verify_inclusion(index, size, leaf, proof, flipped(root, b, 7)));
      }
      if (size > 1) {
        EXPECT_FALSE(verify_inclusion((index + 1) % size, size, leaf, proof, root));
      }
      EXPECT_FALSE(verify_inclusion(size, size, leaf, proof, root));  // index out of range
      auto longer = proof;
      longer.push_back(root);
      EXPECT_FALSE(verify_inclusion(index, size, leaf, longer, root));
    }
  }
}

// Property: for 1 <= m <= n <= 64 every consistency proof verifies, and any changed bit
// (of each byte of each element, or of either root) does not.
TEST(Merkle, EveryConsistencyProofVerifiesAndNoFlippedBitDoes) {
  MerkleTree tree;
  for (int i = 0; i < 64; ++i) tree.append(hash_leaf("leaf " + std::to_string(i)));
  for (std::uint64_t n = 1; n <= 64; ++n) {
    const Hash second = tree.root(n);
    for (std::uint64_t m = 1; m <= n; ++m) {
      const Hash first = tree.root(m);
      auto proof = tree.consistency_proof(m, n);
      ASSERT_TRUE(verify_consistency(m, n, first, second, proof)) << m << "->" << n;
      for (std::size_t e = 0; e < proof.size(); ++e) {
        for (std::size_t b = 0; b < 32; ++b) {
          auto bad = proof;
          bad[e] = flipped(bad[e], b, static_cast<int>(b % 8));
          ASSERT_FALSE(verify_consistency(m, n, first, second, bad)) << m << "->" << n;
        }
      }
      for (std::size_t b = 0; b < 32; ++b) {
        ASSERT_FALSE(verify_consistency(m, n, flipped(first, b, 3), second, proof));
        ASSERT_FALSE(verify_consistency(m, n, first, flipped(second, b, 5), proof));
      }
      if (m < n) {
        EXPECT_FALSE(verify_consistency(m, n, first, second, {}));
        EXPECT_FALSE(verify_consistency(n, m, second, first, proof));
      }
    }
  }
  EXPECT_FALSE(verify_consistency(0, 5, empty_tree_hash(), tree.root(5), {}));
}

// A million entries: appending, a tree head of an earlier size, and proofs stay cheap
// (levels of completed subtrees, no rebuild). No timing is asserted.
TEST(Merkle, AMillionEntries) {
  MerkleTree tree;
  const std::uint64_t n = 1'000'003;
  for (std::uint64_t i = 0; i < n; ++i) {
    Hash leaf{};
    for (int b = 0; b < 8; ++b) leaf[b] = static_cast<std::uint8_t>(i >> (8 * b));
    tree.append(leaf);
  }
  const Hash root = tree.root();
  for (std::uint64_t index : std::vector<std::uint64_t>{0, 1, 524287, 524288, 999999, n - 1}) {
    EXPECT_TRUE(verify_inclusion(index, n, tree.leaf(index), tree.inclusion_proof(index, n), root));
  }
  EXPECT_TRUE(
      verify_consistency(700001, n, tree.root(700001), root, tree.consistency_proof(700001, n)));
}

}  // namespace
}  // namespace haven::audit
