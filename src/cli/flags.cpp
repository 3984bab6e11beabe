#include "cli/flags.h"

namespace haven::cli {

std::optional<std::string> parse_flags(const std::vector<std::string>& args,
                                       const std::vector<FlagSpec>& allowed, ParsedFlags& out) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos && name.rfind("--", 0) == 0) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const FlagSpec* spec = nullptr;
    for (auto& f : allowed) {
      if (name == f.flag) spec = &f;
    }
    if (!spec) return "unknown flag " + name.substr(0, 64);
    if (!value) {
      if (i + 1 >= args.size()) return "flag " + name + " needs a value";
      value = args[++i];
    }
    if (!spec->config_key) {
      out.config_file = *value;
    } else {
      out.overrides.push_back({spec->config_key, *value});
    }
  }
  return std::nullopt;
}

std::string flag_for_key(const std::vector<FlagSpec>& allowed, const std::string& key) {
  for (auto& f : allowed) {
    if (f.config_key && key == f.config_key) return f.flag;
  }
  return key;
}

std::optional<std::string> take_flag(std::vector<std::string>& args, const std::string& name) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name && i + 1 < args.size()) {
      std::string value = args[i + 1];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                 args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      return value;
    }
    if (args[i].rfind(name + "=", 0) == 0) {
      std::string value = args[i].substr(name.size() + 1);
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      return value;
    }
  }
  return std::nullopt;
}

bool take_switch(std::vector<std::string>& args, const std::string& name) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name) {
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  }
  return false;
}

}  // namespace haven::cli
