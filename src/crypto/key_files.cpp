#include "crypto/key_files.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace haven {

void write_private_file(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp);
  const char* p = content.data();
  std::size_t left = content.size();
  bool ok = true;
  while (left > 0 && ok) {
    ssize_t n = ::write(fd, p, left);
    ok = n > 0;
    if (ok) {
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot write " + path);
  }
}

bool ensure_master_key(const std::string& path) {
  if (std::filesystem::exists(path)) {
    if (std::filesystem::file_size(path) != crypto_secretbox_KEYBYTES) {
      throw std::runtime_error("master key file has the wrong size: " + path);
    }
    return false;
  }
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  randombytes_buf(key.data(), key.size());
  write_private_file(path, key);
  sodium_memzero(key.data(), key.size());
  return true;
}

void sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + dir);
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot sync " + dir);
}

void ensure_private_dir(const std::string& dir) {
  std::filesystem::create_directories(dir);
  if (::chmod(dir.c_str(), 0700) != 0) throw std::runtime_error("cannot chmod " + dir);
}

}  // namespace haven
