// Command-line flags: `--name value` or `--name=value`, each mapped to a config key.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace haven::cli {

struct FlagSpec {
  const char* flag;        // "--listen"
  const char* config_key;  // "server.listen"; nullptr for --config
};

struct ParsedFlags {
  std::string config_file;
  std::vector<Override> overrides;
};

// Returns a one-line error naming the flag, or nullopt on success.
std::optional<std::string> parse_flags(const std::vector<std::string>& args,
                                       const std::vector<FlagSpec>& allowed, ParsedFlags& out);

// The flag that set a config key, for error messages ("--listen" for "server.listen").
std::string flag_for_key(const std::vector<FlagSpec>& allowed, const std::string& key);

// Removes "--name value" / "--name=value" from args (flags a command reads itself, not
// config keys); returns the value.
std::optional<std::string> take_flag(std::vector<std::string>& args, const std::string& name);
// Removes a bare switch ("--force") from args; returns whether it was there.
bool take_switch(std::vector<std::string>& args, const std::string& name);

}  // namespace haven::cli
