// Helpers shared by unit tests: temporary folders that clean up after themselves, and
// the master key and keyring of a test data folder.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "crypto/key_files.h"
#include "crypto/keyring.h"
#include "util/secret_bytes.h"

namespace haven::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "haven-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// master.key (0600) in dir and a Keyring over it; dir must outlive it.
class TestKeys {
 public:
  explicit TestKeys(const TempDir& dir) {
    init_sodium();
    ensure_master_key(dir.file("master.key"));
    keyring_ = std::make_unique<Keyring>(dir.path());
  }
  Keyring& keyring() { return *keyring_; }
  operator Keyring&() { return *keyring_; }

 private:
  std::unique_ptr<Keyring> keyring_;
};

}  // namespace haven::testing
