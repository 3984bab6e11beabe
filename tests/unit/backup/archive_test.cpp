// The backup archive format: round trip, and every way an archive can be refused — the
// wrong key, truncation at every chunk boundary and inside chunks, a flipped bit
// anywhere, trailing bytes, a changed header.
#include "backup/archive.h"

#include <gtest/gtest.h>

#include <string>

#include "util/secret_bytes.h"

namespace haven::backup {
namespace {

constexpr std::size_t kChunk = 64;
constexpr std::size_t kAbytes = 17;  // crypto_secretstream_xchacha20poly1305_ABYTES

std::string sample(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 31 + 7) % 251);
  return s;
}

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override { init_sodium(); }
};

TEST_F(ArchiveTest, RoundTripsAnySize) {
  const auto key = SecretKey::random();
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, kChunk - 1, kChunk, kChunk + 1, 3 * kChunk,
                        5 * kChunk + 17}) {
    const auto plain = sample(n);
    const auto archive = seal_archive(plain, key, kChunk);
    EXPECT_EQ(open_archive(archive, key), plain) << n;
    EXPECT_EQ(archive.find("HAVENBK"), 0u);
    EXPECT_NE(archive.find(backup_key_id(key)), std::string::npos);
  }
  const auto big = sample(300 * 1024);  // default chunk size
  EXPECT_EQ(open_archive(seal_archive(big, key), key), big);
}

TEST_F(ArchiveTest, CiphertextHidesThePlaintext) {
  const auto key = SecretKey::random();
  const std::string plain = "patient-name-Jane-Roe-diagnosis";
  const auto archive = seal_archive(plain, key, kChunk);
  EXPECT_EQ(archive.find("Jane"), std::string::npos);
  EXPECT_NE(seal_archive(plain, key, kChunk), archive);  // a fresh stream header each time
}

TEST_F(ArchiveTest, RefusesAnotherKey) {
  const auto key = SecretKey::random();
  const auto other = SecretKey::random();
  const auto archive = seal_archive(sample(200), key, kChunk);
  try {
    open_archive(archive, other);
    FAIL() << "opened with the wrong key";
  } catch (const ArchiveError& e) {
    EXPECT_NE(std::string(e.what()).find("another backup key"), std::string::npos);
  }
}

TEST_F(ArchiveTest, RefusesTruncationAtEveryChunkBoundaryAndInside) {
  const auto key = SecretKey::random();
  const auto archive = seal_archive(sample(4 * kChunk + 10), key, kChunk);
  // Boundaries: after the header, then after each full (length + ciphertext) chunk.
  std::size_t boundary = kHeaderSize;
  int boundaries = 0;
  while (boundary < archive.size()) {
    EXPECT_THROW(open_archive(archive.substr(0, boundary), key), ArchiveError) << boundary;
    ++boundaries;
    boundary += 4 + kChunk + kAbytes;
  }
  EXPECT_EQ(boundaries, 5);  // header + 4 full chunks; the 5th chunk is the final one
  for (std::size_t cut = 0; cut < archive.size(); ++cut) {
    EXPECT_THROW(open_archive(archive.substr(0, cut), key), ArchiveError) << cut;
  }
}

TEST_F(ArchiveTest, RefusesAFlippedBitAnywhere) {
  const auto key = SecretKey::random();
  const auto archive = seal_archive(sample(2 * kChunk + 5), key, kChunk);
  for (std::size_t i = 0; i < archive.size(); ++i) {
    for (int bit : {0, 7}) {
      auto altered = archive;
      altered[i] = static_cast<char>(altered[i] ^ (1 << bit));
      EXPECT_THROW(open_archive(altered, key), ArchiveError) << i << ":" << bit;
    }
  }
}

TEST_F(ArchiveTest, RefusesTrailingBytesAndSwappedOrDroppedChunks) {
  const auto key = SecretKey::random();
  const auto archive = seal_archive(sample(3 * kChunk), key, kChunk);
  EXPECT_THROW(open_archive(archive + "x", key), ArchiveError);
  EXPECT_THROW(open_archive(archive + archive, key), ArchiveError);
  const std::size_t c = 4 + kChunk + kAbytes;
  const auto head = archive.substr(0, kHeaderSize);
  const auto c1 = archive.substr(kHeaderSize, c), c2 = archive.substr(kHeaderSize + c, c);
  const auto rest = archive.substr(kHeaderSize + 2 * c);
  EXPECT_THROW(open_archive(head + c2 + c1 + rest, key), ArchiveError);  // swapped
  EXPECT_THROW(open_archive(head + c1 + rest, key), ArchiveError);       // dropped
  EXPECT_EQ(open_archive(head + c1 + c2 + rest, key), sample(3 * kChunk));
}

TEST_F(ArchiveTest, RefusesOtherFilesAndVersions) {
  const auto key = SecretKey::random();
  EXPECT_THROW(open_archive("", key), ArchiveError);
  EXPECT_THROW(open_archive("SQLite format 3", key), ArchiveError);
  auto archive = seal_archive("x", key, kChunk);
  archive[8] = 2;  // version
  try {
    open_archive(archive, key);
    FAIL();
  } catch (const ArchiveError& e) {
    EXPECT_NE(std::string(e.what()).find("version"), std::string::npos);
  }
}

}  // namespace
}  // namespace haven::backup
