// Signed checkpoints (C2SP signed-note, tlog-checkpoint, tlog-cosignature), the audit key
// file, and entry authentication codes.
#include "audit/checkpoint.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>

#include "../test_support.h"
#include "audit/audit_key.h"

namespace haven::audit {
namespace {

std::array<std::uint8_t, 32> seed_of(const std::string& hex) {
  std::array<std::uint8_t, 32> seed{};
  sodium_hex2bin(seed.data(), seed.size(), hex.data(), hex.size(), nullptr, nullptr, nullptr);
  return seed;
}

AuditKey test_key(std::uint8_t fill = 7) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(fill);
  return AuditKey::from_seed(seed);
}

Checkpoint sample() {
  Checkpoint cp{"therapy.example.org", 20852163, {}, 1700000000};
  for (std::size_t i = 0; i < cp.root.size(); ++i) cp.root[i] = static_cast<std::uint8_t>(i);
  return cp;
}

// The example key and note of golang.org/x/mod/sumdb/note (note_test.go), the reference
// implementation of C2SP signed-note: key id, verifier key and the Ed25519 note
// signature (deterministic, RFC 8032) must match byte for byte.
TEST(Checkpoint, SignedNoteReferenceVector) {
  auto key = AuditKey::from_seed(
      seed_of("810a1402d5146c8d84f2443330f54080ebf98ee17d9c74f6252fc5d5c7283173"));
  EXPECT_EQ(verifier_key("PeterNeumann", key.public_key()),
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  const std::string text =
      "If you think cryptography is the answer to your problem,\n"
      "then you don't know what your problem is.\n";
  auto sig = key.sign(text);
  std::vector<std::uint8_t> line{0xc7, 0x4f, 0x20, 0xa3};
  line.insert(line.end(), sig.begin(), sig.end());
  EXPECT_EQ(to_base64(line.data(), line.size()),
            "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ry"
            "yBwJnAM=");
}

TEST(Checkpoint, BodyFollowsTlogCheckpoint) {
  auto cp = sample();
  EXPECT_EQ(checkpoint_body(cp),
            "therapy.example.org\n20852163\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
}

TEST(Checkpoint, SignThenOpen) {
  auto key = test_key();
  auto note = sign_checkpoint(sample(), key);
  EXPECT_EQ(note.rfind(checkpoint_body(sample()) + "\n\xE2\x80\x94 therapy.example.org ", 0), 0u);
  auto opened = open_checkpoint(note, key.public_key());
  ASSERT_TRUE(opened.checkpoint) << opened.error;
  EXPECT_EQ(opened.checkpoint->origin, "therapy.example.org");
  EXPECT_EQ(opened.checkpoint->size, 20852163u);
  EXPECT_TRUE(hash_equal(opened.checkpoint->root, sample().root));
  EXPECT_EQ(opened.checkpoint->time, 1700000000);
  // A witness's cosignature (an unknown key) is ignored, as signed-note requires.
  auto other = test_key(9);
  auto witnessed =
      note + sign_checkpoint(sample(), other).substr(checkpoint_body(sample()).size() + 1);
  EXPECT_TRUE(open_checkpoint(witnessed, key.public_key()).checkpoint);
}

TEST(Checkpoint, AnyChangeIsRefused) {
  auto key = test_key();
  const auto note = sign_checkpoint(sample(), key);
  EXPECT_FALSE(open_checkpoint(note, test_key(8).public_key()).checkpoint);  // another key
  // Every single-bit change anywhere in the note is refused.
  for (std::size_t i = 0; i < note.size(); ++i) {
    auto bad = note;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(open_checkpoint(bad, key.public_key()).checkpoint) << "byte " << i;
  }
  auto body = checkpoint_body(sample());
  auto sigs = note.substr(body.size() + 1);
  auto first_line = sigs.substr(0, sigs.find('\n') + 1);
  auto second_line = sigs.substr(first_line.size());
  // Both signatures are required: without the timestamped one the time is unsigned.
  EXPECT_FALSE(open_checkpoint(body + "\n" + first_line, key.public_key()).checkpoint);
  EXPECT_FALSE(open_checkpoint(body + "\n" + second_line, key.public_key()).checkpoint);
  EXPECT_FALSE(open_checkpoint(body, key.public_key()).checkpoint);
  EXPECT_FALSE(open_checkpoint(note + "\n", key.public_key()).checkpoint);
  EXPECT_FALSE(open_checkpoint(std::string(kMaxNoteBytes + 1, 'a'), key.public_key()).checkpoint);
}

TEST(Checkpoint, BodyParsingIsStrict) {
  const std::string root = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  EXPECT_TRUE(parse_checkpoint_body("o\n0\n" + root + "\n"));
  EXPECT_TRUE(parse_checkpoint_body("o\n5\n" + root + "\nextension\n"));
  for (std::string bad : std::vector<std::string>{
           "o\n05\n" + root + "\n", "o\n-5\n" + root + "\n", "o\n5\n" + root,
           "o\n5\n" + root + "\n\n", "o o\n5\n" + root + "\n", "o+x\n5\n" + root + "\n",
           "\n5\n" + root + "\n", "o\n99999999999999999999\n" + root + "\n",
           "o\n9223372036854775808\n" + root + "\n",
           "o\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n",
           "o\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=\n",
           "o\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\n"}) {
    EXPECT_FALSE(parse_checkpoint_body(bad)) << bad;
  }
}

TEST(AuditKeyFile, CreatedPrivateAndReloaded) {
  testing::TempDir dir;
  auto path = dir.file(kAuditKeyFile);
  EXPECT_THROW(AuditKey::load(path, /*create=*/false), std::runtime_error);
  auto created = AuditKey::load(path, /*create=*/true);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  auto again = AuditKey::load(path, /*create=*/false);
  EXPECT_EQ(again.public_key(), created.public_key());
}

TEST(AuditKeyFile, RefusedWhenOthersCanReadIt) {
  testing::TempDir dir;
  auto path = dir.file(kAuditKeyFile);
  AuditKey::load(path, true);
  ::chmod(path.c_str(), 0640);
  try {
    AuditKey::load(path, false);
    FAIL() << "a group-readable key was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("0640"), std::string::npos) << e.what();
  }
  ::chmod(path.c_str(), 0600);
  std::ofstream(path, std::ios::app) << "x";  // 33 bytes
  EXPECT_THROW(AuditKey::load(path, false), std::runtime_error);
}

TEST(AuditKey, EntryCodesBindTheLeaf) {
  auto key = test_key();
  Hash leaf = hash_leaf("entry");
  auto mac = key.entry_mac(leaf);
  std::string mac_bytes(mac.begin(), mac.end());
  EXPECT_TRUE(key.entry_mac_matches(leaf, mac_bytes));
  EXPECT_FALSE(key.entry_mac_matches(hash_leaf("entry!"), mac_bytes));
  EXPECT_FALSE(test_key(8).entry_mac_matches(leaf, mac_bytes));
  EXPECT_FALSE(key.entry_mac_matches(leaf, mac_bytes.substr(1)));
  EXPECT_FALSE(key.entry_mac_matches(leaf, ""));
  mac_bytes[31] = static_cast<char>(mac_bytes[31] ^ 1);
  EXPECT_FALSE(key.entry_mac_matches(leaf, mac_bytes));
}

}  // namespace
}  // namespace haven::audit
