// haven: one binary for the server and its operator commands.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "util/secret_bytes.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    haven::init_sodium();
  } catch (const std::exception& e) {
    std::cerr << "haven: " << e.what() << "\n";
    return 1;
  }
  if (args.empty() || args[0] == "help" || args[0] == "--help") return haven::cli::run_help();
  const std::string command = args[0];
  if (command == "serve") return haven::cli::run_serve({args.begin() + 1, args.end()});
  if (command == "version" || command == "--version") return haven::cli::run_version();
  if (command == "audit") return haven::cli::run_audit({args.begin() + 1, args.end()});
  if (command == "backup") return haven::cli::run_backup({args.begin() + 1, args.end()});
  if (command == "restore") return haven::cli::run_restore({args.begin() + 1, args.end()});
  if (command == "keys") return haven::cli::run_keys({args.begin() + 1, args.end()});
  if (command == "admin" && args.size() >= 2 && args[1] == "enroll") {
    return haven::cli::run_admin_enroll({args.begin() + 2, args.end()});
  }
  std::cerr << "haven: unknown command '" << command.substr(0, 64) << "' (try 'haven help')\n";
  return 2;
}
