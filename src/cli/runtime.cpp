#include "cli/runtime.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "crypto/key_files.h"
#include "util/secret_bytes.h"

namespace haven::cli {

std::optional<Config> load_for_command(const char* command, const std::vector<std::string>& args,
                                       const std::vector<FlagSpec>& flags) {
  ParsedFlags parsed;
  if (auto err = parse_flags(args, flags, parsed)) {
    std::cerr << "haven " << command << ": " << *err << "\n";
    return std::nullopt;
  }
  if (parsed.config_file.empty()) {
    if (const char* env = std::getenv("HAVEN_CONFIG")) parsed.config_file = env;
  }
  Config cfg;
  if (auto err = load_config(cfg, parsed.config_file, parsed.overrides)) {
    std::cerr << "haven " << command << ": " << flag_for_key(flags, err->key) << ": "
              << err->message << "\n";
    return std::nullopt;
  }
  return cfg;
}

DataFolder open_data_folder(const Config& cfg) {
  ensure_private_dir(cfg.data_dir);
  const std::string db = cfg.data_dir + "/haven.db";
  const std::string key = master_key_path(cfg.data_dir);
  // A new key only for a new database: beside an existing one, a missing key file means
  // it was lost or not restored, and a fresh key would read nothing.
  if (std::filesystem::exists(db) && !std::filesystem::exists(key)) {
    throw KeyFileError("master key file " + key +
                       " is missing; restore it from the key backup (the database cannot be "
                       "read without it)");
  }
  ensure_master_key(key);
  DataFolder folder;
  folder.keyring = std::make_unique<Keyring>(cfg.data_dir);
  folder.store =
      std::make_unique<SqliteStore>(db, static_cast<int>(cfg.busy_timeout_ms), *folder.keyring);
  return folder;
}

std::string issue_enrollment_link(const Config& cfg, Store& store) {
  auto token = random_token();
  auto now = static_cast<std::int64_t>(std::time(nullptr));
  store.create_enrollment(token_hash(token), now, now + cfg.enrollment_ttl_hours * 3600);
  // The fragment never leaves the browser: no server, proxy or Referer log sees the token.
  return cfg.effective_public_url() + "/enroll#token=" + token;
}

}  // namespace haven::cli
