#include "backup/archive.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <vector>

#include "util/secret_bytes.h"

namespace haven::backup {
namespace {

constexpr std::array<char, 8> kMagic = {'H', 'A', 'V', 'E', 'N', 'B', 'K', '\0'};
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kKeyIdSize = 16;
constexpr std::size_t kMaxChunk = 1024 * 1024;  // a reader refuses larger lengths
constexpr std::size_t kAbytes = crypto_secretstream_xchacha20poly1305_ABYTES;
static_assert(kHeaderSize ==
              sizeof(kMagic) + 1 + kKeyIdSize + crypto_secretstream_xchacha20poly1305_HEADERBYTES);

// The stream state holds subkeys: zeroed whatever way the function leaves.
struct StreamState {
  crypto_secretstream_xchacha20poly1305_state st{};
  ~StreamState() { sodium_memzero(&st, sizeof st); }
};

// Plaintext buffers are wiped after use.
struct WipedBuffer {
  std::vector<unsigned char> bytes;
  explicit WipedBuffer(std::size_t n) : bytes(n) {}
  ~WipedBuffer() { sodium_memzero(bytes.data(), bytes.size()); }
};

void put(std::ostream& out, const void* data, std::size_t n) {
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
  if (!out) throw ArchiveError("cannot write the archive");
}

// Reads up to n bytes; returns how many (fewer only at the end of the stream).
std::size_t get(std::istream& in, void* data, std::size_t n) {
  in.read(static_cast<char*>(data), static_cast<std::streamsize>(n));
  if (in.bad()) throw ArchiveError("cannot read the archive");
  return static_cast<std::size_t>(in.gcount());
}

}  // namespace

std::string backup_key_id(const SecretKey& key) {
  static constexpr char kLabel[] = "haven backup key id v1";
  std::array<unsigned char, kKeyIdSize / 2> id{};
  crypto_generichash(id.data(), id.size(), reinterpret_cast<const unsigned char*>(kLabel),
                     sizeof kLabel - 1, key.data(), SecretKey::kSize);
  return to_hex(id.data(), id.size());
}

void write_archive(std::istream& plain, std::ostream& out, const SecretKey& key,
                   std::size_t chunk_size) {
  if (chunk_size == 0 || chunk_size > kMaxChunk - kAbytes) {
    throw ArchiveError("invalid chunk size");
  }
  std::array<unsigned char, kHeaderSize> header{};
  std::memcpy(header.data(), kMagic.data(), kMagic.size());
  header[kMagic.size()] = kVersion;
  const auto id = backup_key_id(key);
  std::memcpy(header.data() + kMagic.size() + 1, id.data(), kKeyIdSize);
  StreamState state;
  crypto_secretstream_xchacha20poly1305_init_push(
      &state.st, header.data() + kMagic.size() + 1 + kKeyIdSize, key.data());
  put(out, header.data(), header.size());

  WipedBuffer chunk(chunk_size);
  std::vector<unsigned char> cipher(chunk_size + kAbytes);
  std::size_t have = get(plain, chunk.bytes.data(), chunk_size);
  bool first = true;
  for (;;) {
    // Look ahead one chunk so the last one (possibly empty) carries TAG_FINAL.
    WipedBuffer next(chunk_size);
    const std::size_t next_have =
        have == chunk_size ? get(plain, next.bytes.data(), chunk_size) : 0;
    const bool last = have < chunk_size || (next_have == 0 && plain.eof());
    const unsigned char tag = last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                   : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    unsigned long long clen = 0;
    crypto_secretstream_xchacha20poly1305_push(&state.st, cipher.data(), &clen, chunk.bytes.data(),
                                               have, first ? header.data() : nullptr,
                                               first ? header.size() : 0, tag);
    first = false;
    const auto n = static_cast<std::uint32_t>(clen);
    const std::array<unsigned char, 4> len = {
        static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
        static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
    put(out, len.data(), len.size());
    put(out, cipher.data(), clen);
    if (last) break;
    std::swap(chunk.bytes, next.bytes);
    have = next_have;
  }
  out.flush();
  if (!out) throw ArchiveError("cannot write the archive");
}

void read_archive(std::istream& in, std::ostream& plain, const SecretKey& key) {
  std::array<unsigned char, kHeaderSize> header{};
  if (get(in, header.data(), header.size()) != header.size() ||
      std::memcmp(header.data(), kMagic.data(), kMagic.size()) != 0) {
    throw ArchiveError("not a Haven backup archive");
  }
  if (header[kMagic.size()] != kVersion) {
    throw ArchiveError("unsupported backup archive version " +
                       std::to_string(header[kMagic.size()]));
  }
  const std::string_view stored(reinterpret_cast<const char*>(header.data()) + kMagic.size() + 1,
                                kKeyIdSize);
  for (char c : stored) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw ArchiveError("not a Haven backup archive (bad key id)");
    }
  }
  if (!secure_equal(stored, backup_key_id(key))) {
    throw ArchiveError("the archive was made with another backup key (id " + std::string(stored) +
                       ", this backup.key is " + backup_key_id(key) + ")");
  }
  StreamState state;
  if (crypto_secretstream_xchacha20poly1305_init_pull(
          &state.st, header.data() + kMagic.size() + 1 + kKeyIdSize, key.data()) != 0) {
    throw ArchiveError("corrupted backup archive header");
  }
  std::vector<unsigned char> cipher;
  bool first = true;
  for (;;) {
    std::array<unsigned char, 4> len{};
    const std::size_t got = get(in, len.data(), len.size());
    if (got == 0) throw ArchiveError("the archive is truncated (no final chunk)");
    if (got != len.size()) throw ArchiveError("the archive is truncated");
    const std::size_t n = (std::size_t{len[0]} << 24) | (std::size_t{len[1]} << 16) |
                          (std::size_t{len[2]} << 8) | std::size_t{len[3]};
    if (n < kAbytes || n > kMaxChunk) throw ArchiveError("the archive is corrupted or altered");
    cipher.resize(n);
    if (get(in, cipher.data(), n) != n) throw ArchiveError("the archive is truncated");
    WipedBuffer out(n - kAbytes);
    unsigned long long mlen = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(
            &state.st, out.bytes.data(), &mlen, &tag, cipher.data(), n,
            first ? header.data() : nullptr, first ? header.size() : 0) != 0) {
      throw ArchiveError("the archive is corrupted or altered (a chunk does not authenticate)");
    }
    first = false;
    plain.write(reinterpret_cast<const char*>(out.bytes.data()),
                static_cast<std::streamsize>(mlen));
    if (!plain) throw ArchiveError("cannot write the restored data");
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) break;
    if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
      throw ArchiveError("the archive is corrupted or altered (unexpected chunk tag)");
    }
  }
  char extra = 0;
  if (get(in, &extra, 1) != 0) throw ArchiveError("the archive has trailing bytes after its end");
  plain.flush();
  if (!plain) throw ArchiveError("cannot write the restored data");
}

std::string seal_archive(std::string_view plain, const SecretKey& key, std::size_t chunk_size) {
  std::istringstream in{std::string(plain)};
  std::ostringstream out;
  write_archive(in, out, key, chunk_size);
  return std::move(out).str();
}

std::string open_archive(std::string_view archive, const SecretKey& key) {
  std::istringstream in{std::string(archive)};
  std::ostringstream out;
  read_archive(in, out, key);
  return std::move(out).str();
}

}  // namespace haven::backup
