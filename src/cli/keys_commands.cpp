// `haven keys list | rotate | retire`: master key (KEK) management for envelope
// encryption (NIST SP 800-57 Pt. 1 §5.3: a key-wrapping key has a cryptoperiod and is
// replaced; §8.3.4: a retired key is destroyed once nothing depends on it). Safe while
// `haven serve` runs on the same data folder: see crypto/keyring.h for the key files.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/runtime.h"

namespace haven::cli {
namespace {

const std::vector<FlagSpec> kKeysFlags = {
    {"--config", nullptr},
    {"--data", "storage.data_dir"},
};

// The data folder must already hold a database: key commands never create one.
std::optional<DataFolder> open_existing(const char* command, const Config& cfg) {
  if (!std::filesystem::exists(cfg.data_dir + "/haven.db")) {
    std::cerr << "haven " << command << ": no database in " << cfg.data_dir << "\n";
    return std::nullopt;
  }
  return open_data_folder(cfg);
}

int list(DataFolder& folder) {
  const auto counts = folder.store->data_keys_per_kek();
  const auto current = folder.keyring->current_kek_id();
  const auto ids = folder.keyring->kek_ids();
  const auto count_of = [&](const std::string& id) {
    auto it = counts.find(id);
    return it == counts.end() ? std::int64_t{0} : it->second;
  };
  for (const auto& id : ids) {
    std::cout << id << "  " << (id == current ? "current" : "kept   ") << "  "
              << (id == current ? std::string("master.key") : "master-" + id + ".key") << "  "
              << count_of(id) << " data keys\n";
  }
  for (const auto& [id, n] : counts) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      std::cout << id << "  MISSING  no key file  " << n << " data keys\n";
    }
  }
  return 0;
}

int rotate(DataFolder& folder, const Config& cfg) {
  auto [old_id, new_id] = folder.keyring->install_new_master_key();
  const auto moved = folder.store->rewrap_data_keys(new_id);
  std::cout << "new master key " << new_id << " is master.key; " << moved
            << " data keys re-wrapped under it.\n"
            << "The previous key " << old_id << " is kept as master-" << old_id
            << ".key. Back up the new master.key (apart from the database), then run:\n"
            << "  haven keys retire --data " << cfg.data_dir << " --kek " << old_id << "\n";
  return 0;
}

int retire(DataFolder& folder, const std::string& kek_id) {
  if (folder.keyring->current_kek_id() == kek_id) {
    std::cerr << "haven keys retire: " << kek_id << " is the current key; rotate first\n";
    return 1;
  }
  const auto counts = folder.store->data_keys_per_kek();
  if (auto it = counts.find(kek_id); it != counts.end() && it->second > 0) {
    std::cerr << "haven keys retire: " << it->second << " data keys are still wrapped under "
              << kek_id << "; run 'haven keys rotate' first\n";
    return 1;
  }
  folder.keyring->remove_master_key(kek_id);
  std::cout << "master key " << kek_id << " retired (master-" << kek_id << ".key deleted)\n";
  return 0;
}

}  // namespace

int run_keys(const std::vector<std::string>& all_args) {
  if (all_args.empty() ||
      (all_args[0] != "list" && all_args[0] != "rotate" && all_args[0] != "retire")) {
    std::cerr << "haven keys: expected list, rotate or retire (try 'haven help')\n";
    return 2;
  }
  const std::string sub = all_args[0];
  const std::string command = "keys " + sub;
  std::vector<std::string> args(all_args.begin() + 1, all_args.end());
  std::optional<std::string> kek;
  if (sub == "retire") {
    kek = take_flag(args, "--kek");
    if (!kek || kek->empty()) {
      std::cerr << "haven keys retire: --kek ID is required (see 'haven keys list')\n";
      return 2;
    }
  }
  auto cfg = load_for_command(command.c_str(), args, kKeysFlags);
  if (!cfg) return 2;
  try {
    auto folder = open_existing(command.c_str(), *cfg);
    if (!folder) return 1;
    if (sub == "list") return list(*folder);
    if (sub == "rotate") return rotate(*folder, *cfg);
    return retire(*folder, *kek);
  } catch (const std::exception& e) {
    std::cerr << "haven " << command << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace haven::cli
