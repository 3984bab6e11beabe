// The keyring: master key files (permissions, names), wrapping, the data key cache,
// and the file steps of rotation and retirement (crypto/keyring.h).
#include "crypto/keyring.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "../test_support.h"
#include "crypto/key_files.h"
#include "crypto/sealing.h"

namespace haven {
namespace {

std::vector<std::uint8_t> bytes_of(const SecretKey& k) {
  return {k.bytes().begin(), k.bytes().end()};
}

class KeyringTest : public ::testing::Test {
 protected:
  KeyringTest() {
    init_sodium();
    ensure_master_key(master_key_path(dir.path()));
  }
  std::string master() const { return master_key_path(dir.path()); }
  testing::TempDir dir;
};

TEST_F(KeyringTest, LoadsA0600MasterKey) {
  Keyring keyring(dir.path());
  EXPECT_EQ(keyring.kek_ids().size(), 1u);
  EXPECT_EQ(keyring.current_kek_id(), kek_id_of(read_key_file(master())));
}

TEST_F(KeyringTest, RefusesAMasterKeyOthersCanRead) {
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    ASSERT_EQ(::chmod(master().c_str(), mode), 0);
    try {
      Keyring keyring(dir.path());
      ADD_FAILURE() << "mode " << std::oct << mode << " accepted";
    } catch (const KeyFileError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("must be 0600"), std::string::npos) << what;
      EXPECT_NE(what.find(master()), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << "one line";
    }
  }
  ASSERT_EQ(::chmod(master().c_str(), 0400), 0);  // stricter than 0600 is fine
  EXPECT_NO_THROW(Keyring{dir.path()});
}

TEST_F(KeyringTest, RefusesAMissingOrMisSizedKeyAndADirectory) {
  std::filesystem::remove(master());
  EXPECT_THROW(Keyring{dir.path()}, KeyFileError);
  write_private_file(master(), "too short");
  EXPECT_THROW(Keyring{dir.path()}, KeyFileError);
  std::filesystem::remove(master());
  std::filesystem::create_directory(master());
  EXPECT_THROW(Keyring{dir.path()}, KeyFileError);
}

TEST_F(KeyringTest, RefusesARetiredKeyFileWhoseNameIsNotItsId) {
  write_private_file(dir.file("master-0000000000000000.key"), std::string(32, 'k'));
  EXPECT_THROW(Keyring{dir.path()}, KeyFileError);
}

TEST_F(KeyringTest, WrapsAndUnwrapsDataKeysAndCachesThem) {
  Keyring keyring(dir.path());
  auto data_key = SecretKey::random();
  auto wrapped = keyring.wrap_new("0123456789abcdef0123456789abcdef", "user:p1", data_key);
  EXPECT_EQ(wrapped.kek_id, keyring.current_kek_id());
  EXPECT_EQ(wrapped.subject, "user:p1");
  EXPECT_FALSE(keyring.cached(wrapped.key_id));
  auto back = keyring.data_key(wrapped);
  EXPECT_EQ(bytes_of(*back), bytes_of(data_key));
  EXPECT_EQ(keyring.cached(wrapped.key_id), back);
  keyring.forget(wrapped.key_id);
  EXPECT_FALSE(keyring.cached(wrapped.key_id));

  Keyring fresh(dir.path());  // another process: unwraps from the row alone
  EXPECT_EQ(bytes_of(*fresh.data_key(wrapped)), bytes_of(data_key));
  auto moved = wrapped;
  moved.subject = "user:p2";
  EXPECT_THROW(fresh.data_key(moved), std::runtime_error);
}

TEST_F(KeyringTest, RotationKeepsEveryKeyInAFileAndOthersPickItUp) {
  Keyring running(dir.path());  // a server that loaded the keys before the rotation
  auto data_key = SecretKey::random();
  auto before = running.wrap_new("0123456789abcdef0123456789abcdef", "org:o1", data_key);

  Keyring cli(dir.path());
  auto [old_id, new_id] = cli.install_new_master_key();
  EXPECT_EQ(old_id, before.kek_id);
  EXPECT_NE(new_id, old_id);
  EXPECT_EQ(kek_id_of(read_key_file(master())), new_id);
  EXPECT_EQ(kek_id_of(read_key_file(retired_master_key_path(dir.path(), old_id))), old_id);
  EXPECT_FALSE(std::filesystem::exists(retired_master_key_path(dir.path(), new_id)));
  struct stat st {};
  ASSERT_EQ(::stat(master().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto after = cli.rewrap(before, new_id);
  EXPECT_EQ(after.kek_id, new_id);
  EXPECT_NE(after.wrapped, before.wrapped);
  // The running keyring has never seen new_id: it loads the files again by itself.
  running.forget(after.key_id);
  EXPECT_EQ(bytes_of(*running.data_key(after)), bytes_of(data_key));
  EXPECT_EQ(running.current_kek_id(), new_id);
  // New keys are wrapped under the new master key.
  EXPECT_EQ(running.wrap_new("fedcba9876543210fedcba9876543210", "org:o2", data_key).kek_id,
            new_id);
}

TEST_F(KeyringTest, RetireDeletesOnlyAKeptKey) {
  Keyring keyring(dir.path());
  const auto first = keyring.current_kek_id();
  EXPECT_THROW(keyring.remove_master_key(first), KeyFileError);  // current
  auto [old_id, new_id] = keyring.install_new_master_key();
  EXPECT_THROW(keyring.remove_master_key(new_id), KeyFileError);              // current now
  EXPECT_THROW(keyring.remove_master_key("0123456789abcdef"), KeyFileError);  // no such file
  keyring.remove_master_key(old_id);
  EXPECT_FALSE(std::filesystem::exists(retired_master_key_path(dir.path(), old_id)));
  Keyring reloaded(dir.path());
  EXPECT_EQ(reloaded.kek_ids(), std::vector<std::string>{new_id});
}

TEST(SecretKey, GuardedCopiesAndMoves) {
  init_sodium();
  auto a = SecretKey::random();
  auto copy = SecretKey::copy_of(a.bytes());
  EXPECT_EQ(bytes_of(a), bytes_of(copy));
  EXPECT_THROW(SecretKey::copy_of(std::vector<std::uint8_t>(31)), std::invalid_argument);
  SecretKey moved = std::move(copy);
  EXPECT_EQ(bytes_of(moved), bytes_of(a));
  EXPECT_FALSE(SecretKey::filled_by([](std::uint8_t*) { return false; }));
}

}  // namespace
}  // namespace haven
