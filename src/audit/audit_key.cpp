#include "audit/audit_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <new>
#include <stdexcept>

namespace haven::audit {

static_assert(sizeof(PublicKey) == crypto_sign_PUBLICKEYBYTES);
static_assert(sizeof(Signature) == crypto_sign_BYTES);

struct AuditKey::Secrets {
  unsigned char sign_key[crypto_sign_SECRETKEYBYTES];
  unsigned char mac_key[crypto_auth_hmacsha256_KEYBYTES];
};

void AuditKey::Free::operator()(Secrets* p) const noexcept {
  sodium_free(p);  // zeroes before it frees
}

namespace {

constexpr std::size_t kSeedBytes = crypto_sign_SEEDBYTES;

// sodium_malloc needs sodium_init (idempotent and thread-safe) to have run.
void* secure_alloc(std::size_t n) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  void* p = sodium_malloc(n);
  if (!p) throw std::bad_alloc();
  return p;
}

// A seed buffer that is zeroed and freed however the function leaves.
struct SeedBuffer {
  SeedBuffer() : bytes(static_cast<std::uint8_t*>(secure_alloc(kSeedBytes))) {}
  ~SeedBuffer() { sodium_free(bytes); }
  SeedBuffer(const SeedBuffer&) = delete;
  SeedBuffer& operator=(const SeedBuffer&) = delete;
  std::uint8_t* bytes;
};

struct Fd {
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int fd;
};

bool write_all(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// Writes a fresh seed to a private temporary file and links it into place, so a
// concurrent first start can never see a half-written key or replace another's.
void create_key_file(const std::string& path) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  SeedBuffer seed;
  randombytes_buf(seed.bytes, kSeedBytes);
  {
    Fd f(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (f.fd < 0) throw std::runtime_error("cannot create the audit signing key " + path);
    if (!write_all(f.fd, seed.bytes, kSeedBytes) || ::fsync(f.fd) != 0) {
      ::unlink(tmp.c_str());
      throw std::runtime_error("cannot write the audit signing key " + path);
    }
  }
  const bool linked = ::link(tmp.c_str(), path.c_str()) == 0 || errno == EEXIST;
  ::unlink(tmp.c_str());
  if (!linked) throw std::runtime_error("cannot create the audit signing key " + path);
}

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

AuditKey::AuditKey(const std::uint8_t* seed)
    : secrets_(static_cast<Secrets*>(secure_alloc(sizeof(Secrets)))) {
  crypto_sign_seed_keypair(public_key_.data(), secrets_->sign_key, seed);
  crypto_kdf_derive_from_key(secrets_->mac_key, sizeof secrets_->mac_key, 1, "havenaud", seed);
}

AuditKey::~AuditKey() = default;

AuditKey AuditKey::from_seed(const std::array<std::uint8_t, 32>& seed) {
  return AuditKey(seed.data());
}

AuditKey AuditKey::load(const std::string& path, bool create) {
  int raw = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (raw < 0 && errno == ENOENT && create) {
    create_key_file(path);
    raw = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (raw < 0) {
    throw std::runtime_error("cannot read the audit signing key " + path +
                             (errno == ENOENT ? " (missing; haven serve creates it)" : ""));
  }
  Fd f(raw);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    throw std::runtime_error("the audit signing key " + path + " is not a regular file");
  }
  // The private key must be the owner's alone (the database may be copied; this may not).
  if ((st.st_mode & 077) != 0) {
    throw std::runtime_error("refusing the audit signing key " + path + ": group or others may " +
                             "read it (mode " + octal_mode(st.st_mode) + "); run chmod 600 " +
                             path);
  }
  if (st.st_size != static_cast<off_t>(kSeedBytes)) {
    throw std::runtime_error("the audit signing key " + path + " is not 32 bytes");
  }
  SeedBuffer seed;
  std::size_t got = 0;
  while (got < kSeedBytes) {
    ssize_t n = ::read(f.fd, seed.bytes + got, kSeedBytes - got);
    if (n <= 0) throw std::runtime_error("cannot read the audit signing key " + path);
    got += static_cast<std::size_t>(n);
  }
  return AuditKey(seed.bytes);
}

Signature AuditKey::sign(std::string_view message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secrets_->sign_key);
  return sig;
}

Hash AuditKey::entry_mac(const Hash& leaf_hash) const {
  Hash mac{};
  crypto_auth_hmacsha256(mac.data(), leaf_hash.data(), leaf_hash.size(), secrets_->mac_key);
  return mac;
}

bool AuditKey::entry_mac_matches(const Hash& leaf_hash, std::string_view mac) const {
  if (mac.size() != crypto_auth_hmacsha256_BYTES) return false;
  return crypto_auth_hmacsha256_verify(reinterpret_cast<const unsigned char*>(mac.data()),
                                       leaf_hash.data(), leaf_hash.size(), secrets_->mac_key) == 0;
}

bool ed25519_verify(const PublicKey& key, std::string_view message, const std::uint8_t* sig64) {
  return crypto_sign_verify_detached(sig64, reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.data()) == 0;
}

}  // namespace haven::audit
