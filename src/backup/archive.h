// The backup archive: one file, encrypted and authenticated with libsodium's
// crypto_secretstream_xchacha20poly1305 (XChaCha20-Poly1305 in chunks, each with its own
// tag; the stream's keys ratchet, so chunks cannot be reordered, dropped or repeated).
//
//   header   "HAVENBK\0" (8) | version (1 byte, 1) | key id (16 ASCII hex) |
//            secretstream header (24)
//   chunks   length (4 bytes, big-endian, of the ciphertext) | ciphertext
//
// The 49 header bytes are the associated data of the first chunk, so a changed version or
// key id fails to authenticate. The last chunk carries TAG_FINAL: an archive cut at any
// chunk boundary is refused, and so is any byte after the final chunk. The reader never
// writes plaintext that has not authenticated, and the caller discards its output
// unless the whole archive verified.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "crypto/secret_key.h"

namespace haven::backup {

// Why an archive was refused: one line, never key material or content.
struct ArchiveError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kDefaultChunkSize = 64 * 1024;
inline constexpr std::size_t kHeaderSize = 8 + 1 + 16 + 24;

// The archive key's id: 16 hex characters of a keyed BLAKE2b, safe to print and store.
std::string backup_key_id(const SecretKey& key);

// Reads plain to its end and writes the archive. Throws ArchiveError on I/O failure.
void write_archive(std::istream& plain, std::ostream& out, const SecretKey& key,
                   std::size_t chunk_size = kDefaultChunkSize);

// Verifies and decrypts the whole archive into plain. Throws ArchiveError ("not a Haven
// backup", "made with another backup key (id ...)", "truncated", "corrupted or altered",
// "trailing bytes after the end") — plain then holds only a prefix and must be discarded.
void read_archive(std::istream& in, std::ostream& plain, const SecretKey& key);

// In-memory forms, for tests and the fuzz target.
std::string seal_archive(std::string_view plain, const SecretKey& key,
                         std::size_t chunk_size = kDefaultChunkSize);
std::string open_archive(std::string_view archive, const SecretKey& key);

}  // namespace haven::backup
