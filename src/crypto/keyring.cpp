#include "crypto/keyring.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <regex>

#include "crypto/key_files.h"
#include "crypto/sealing.h"

namespace haven {
namespace {

// Closes a file descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string mode_text(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

bool is_retired_name(const std::string& name, std::string* id) {
  static const std::regex pattern("^master-([0-9a-f]{16})\\.key$");
  std::smatch m;
  if (!std::regex_match(name, m, pattern)) return false;
  *id = m[1];
  return true;
}

// write_private_file (0600, fsync, rename) of the key's bytes; the temporary copy in
// ordinary memory is wiped whatever happens.
void write_key_file(const std::string& path, const SecretKey& key) {
  struct Wiped {
    std::string text;
    ~Wiped() { sodium_memzero(text.data(), text.size()); }
  } copy{std::string(reinterpret_cast<const char*>(key.data()), SecretKey::kSize)};
  write_private_file(path, copy.text);
}

}  // namespace

std::string master_key_path(const std::string& data_dir) {
  return data_dir + "/master.key";
}

std::string retired_master_key_path(const std::string& data_dir, const std::string& kek_id) {
  return data_dir + "/master-" + kek_id + ".key";
}

SecretKey read_key_file(const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) throw KeyFileError("cannot open master key file " + path);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    throw KeyFileError("master key file " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    throw KeyFileError("master key file " + path + " has mode " + mode_text(st.st_mode) +
                       "; it must be 0600 (run: chmod 600 " + path + ")");
  }
  if (st.st_size != static_cast<off_t>(SecretKey::kSize)) {
    throw KeyFileError("master key file " + path + " is not 32 bytes");
  }
  auto key = SecretKey::filled_by([&](std::uint8_t* out) {
    std::size_t got = 0;
    while (got < SecretKey::kSize) {
      ssize_t n = ::read(f.fd, out + got, SecretKey::kSize - got);
      if (n <= 0) return false;
      got += static_cast<std::size_t>(n);
    }
    return true;
  });
  if (!key) throw KeyFileError("cannot read master key file " + path);
  return std::move(*key);
}

Keyring::Keyring(std::string data_dir) : data_dir_(std::move(data_dir)) {
  std::lock_guard lock(mutex_);
  load_files();
}

void Keyring::load_files() {
  auto current = read_key_file(master_key_path(data_dir_));
  current_ = kek_id_of(current);
  keks_.try_emplace(current_, std::move(current));
  for (const auto& entry : std::filesystem::directory_iterator(data_dir_)) {
    std::string id;
    if (!is_retired_name(entry.path().filename().string(), &id)) continue;
    auto key = read_key_file(entry.path().string());
    // The name is what an operator retires by; a file whose key has another id would
    // make `keys retire` delete the wrong key.
    if (kek_id_of(key) != id) {
      throw KeyFileError("master key file " + entry.path().string() +
                         " does not hold the key its name says");
    }
    keks_.try_emplace(id, std::move(key));
  }
}

const SecretKey& Keyring::kek(const std::string& kek_id) {
  auto it = keks_.find(kek_id);
  if (it == keks_.end()) {
    load_files();  // rotated by another process since we loaded
    it = keks_.find(kek_id);
  }
  if (it == keks_.end()) {
    throw KeyFileError("master key " + kek_id + " is not in " + data_dir_ +
                       " (restore its key file from the key backup)");
  }
  return it->second;
}

std::string Keyring::current_kek_id() {
  std::lock_guard lock(mutex_);
  auto key = read_key_file(master_key_path(data_dir_));
  current_ = kek_id_of(key);
  keks_.try_emplace(current_, std::move(key));
  return current_;
}

std::vector<std::string> Keyring::kek_ids() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (auto& [id, key] : keks_) out.push_back(id);
  return out;
}

WrappedKey Keyring::wrap_new(const std::string& key_id, const std::string& subject,
                             const SecretKey& data_key) {
  const std::string kek_id = current_kek_id();
  std::lock_guard lock(mutex_);
  return {key_id, subject, kek_id, wrap_key(kek(kek_id), key_id, subject, data_key)};
}

std::shared_ptr<const SecretKey> Keyring::data_key(const WrappedKey& record) {
  std::lock_guard lock(mutex_);
  // A hit counts only for the subject the key was verified for: a row relabelled with
  // another subject must fail to unwrap, not be served from memory.
  if (auto it = cache_.find(record.key_id); it != cache_.end()) {
    if (it->second.subject == record.subject) return it->second.key;
    cache_.erase(it);
  }
  auto key = unwrap_key(kek(record.kek_id), record.key_id, record.subject, record.wrapped);
  if (!key) throw std::runtime_error("data key " + record.key_id + " does not unwrap");
  // Bounded: each entry is a guarded allocation (a few pages). Evicting one at random
  // only costs an unwrap the next time it is needed.
  if (cache_.size() >= kCacheLimit) cache_.erase(cache_.begin());
  auto shared = std::make_shared<const SecretKey>(std::move(*key));
  cache_.emplace(record.key_id, Cached{record.subject, shared});
  return shared;
}

WrappedKey Keyring::rewrap(const WrappedKey& record, const std::string& target_kek_id) {
  auto plain = data_key(record);
  std::lock_guard lock(mutex_);
  return {record.key_id, record.subject, target_kek_id,
          wrap_key(kek(target_kek_id), record.key_id, record.subject, *plain)};
}

std::shared_ptr<const SecretKey> Keyring::cached(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  auto it = cache_.find(key_id);
  return it == cache_.end() ? nullptr : it->second.key;
}

void Keyring::forget(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  cache_.erase(key_id);
}

std::pair<std::string, std::string> Keyring::install_new_master_key() {
  std::lock_guard lock(mutex_);
  auto old_key = read_key_file(master_key_path(data_dir_));
  const std::string old_id = kek_id_of(old_key);
  auto fresh = SecretKey::random();
  const std::string new_id = kek_id_of(fresh);
  // 1. the new key under its own name; 2. the old key under its retired name;
  // 3. the new key becomes master.key (rename: atomic). Each KEK is always in a file.
  const std::string staged = retired_master_key_path(data_dir_, new_id);
  write_key_file(staged, fresh);
  const std::string kept = retired_master_key_path(data_dir_, old_id);
  if (!std::filesystem::exists(kept)) write_key_file(kept, old_key);
  if (::rename(staged.c_str(), master_key_path(data_dir_).c_str()) != 0) {
    throw KeyFileError("cannot install the new master key in " + data_dir_);
  }
  sync_dir(data_dir_);
  keks_.try_emplace(old_id, std::move(old_key));
  keks_.try_emplace(new_id, std::move(fresh));
  current_ = new_id;
  return {old_id, new_id};
}

void Keyring::remove_master_key(const std::string& kek_id) {
  std::lock_guard lock(mutex_);
  auto current = read_key_file(master_key_path(data_dir_));
  if (kek_id_of(current) == kek_id) {
    throw KeyFileError("master key " + kek_id + " is the current key; rotate first");
  }
  const std::string path = retired_master_key_path(data_dir_, kek_id);
  if (!std::filesystem::exists(path)) throw KeyFileError("no key file " + path);
  if (::unlink(path.c_str()) != 0) throw KeyFileError("cannot delete " + path);
  sync_dir(data_dir_);
  keks_.erase(kek_id);
}

const SecretKey& Keyring::current_master_key_for_migration() {
  std::lock_guard lock(mutex_);
  return kek(current_);
}

}  // namespace haven
