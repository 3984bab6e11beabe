// `haven keys retire` refuses while any data key is still wrapped under the key, for
// example after a rotation that stopped between installing the new key file and
// re-wrapping; `haven keys rotate` then finishes the job.
#include <gtest/gtest.h>

#include <filesystem>

#include "../test_support.h"
#include "cli/commands.h"
#include "store/sqlite_store.h"

namespace haven {
namespace {

TEST(KeysCommands, RetireRefusesWhileDataKeysAreWrappedUnderTheKey) {
  testing::TempDir dir;
  testing::TestKeys keys(dir);
  const auto first = keys.keyring().current_kek_id();
  { SqliteStore store(dir.file("haven.db"), 1000, keys); }  // index and field keys
  // A rotation interrupted after its file step: keys are still under the first key.
  auto [old_id, second] = keys.keyring().install_new_master_key();
  ASSERT_EQ(old_id, first);
  auto retire = [&](const std::string& id) {
    return cli::run_keys({"retire", "--data", dir.path(), "--kek", id});
  };
  EXPECT_EQ(retire(first), 1);
  EXPECT_TRUE(std::filesystem::exists(retired_master_key_path(dir.path(), first)));
  EXPECT_EQ(retire(second), 1);  // current

  EXPECT_EQ(cli::run_keys({"rotate", "--data", dir.path()}), 0);
  EXPECT_EQ(retire(first), 0);
  EXPECT_EQ(retire(second), 0);  // kept by the second rotation, never used
  EXPECT_FALSE(std::filesystem::exists(retired_master_key_path(dir.path(), first)));
  Keyring reloaded(dir.path());
  EXPECT_EQ(reloaded.kek_ids().size(), 1u);
  SqliteStore store(dir.file("haven.db"), 1000, reloaded);
  EXPECT_EQ(store.data_keys_per_kek().size(), 1u);
}

TEST(KeysCommands, RefusesUsage) {
  testing::TempDir dir;
  EXPECT_EQ(cli::run_keys({}), 2);
  EXPECT_EQ(cli::run_keys({"shred"}), 2);
  EXPECT_EQ(cli::run_keys({"retire", "--data", dir.path()}), 2);  // no --kek
  EXPECT_EQ(cli::run_keys({"rotate", "--data", dir.path()}), 1);  // no database here
  EXPECT_FALSE(std::filesystem::exists(dir.file("master.key")));  // and nothing created
}

}  // namespace
}  // namespace haven
