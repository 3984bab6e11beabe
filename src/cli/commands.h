// `haven` subcommands. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace haven::cli {

int run_serve(const std::vector<std::string>& args);
int run_admin_enroll(const std::vector<std::string>& args);
// `haven keys list|rotate|retire`: master key files (cli/keys_commands.cpp).
int run_keys(const std::vector<std::string>& args);
// `haven backup` / `haven restore`: encrypted database archives (cli/backup_commands.cpp).
int run_backup(const std::vector<std::string>& args);
int run_restore(const std::vector<std::string>& args);
int run_version();
// haven audit verify | checkpoint | prove | consistency | public-key (cli/audit_commands.cpp)
int run_audit(const std::vector<std::string>& args);
int run_help();

}  // namespace haven::cli
