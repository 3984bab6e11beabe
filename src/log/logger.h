// Structured JSON-lines logging. One line per event: {"ts","level","event", ...fields}.
// Fields carry opaque ids and numbers only: never names, emails, tokens, bodies or media.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace haven::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

// Parses "debug" | "info" | "warn" | "error"; returns false for anything else.
bool parse_level(std::string_view text, Level& out);

// Where lines go: stderr (default) or an append-only file opened 0600.
void set_output_file(const std::string& path);
void set_level(Level level);

void write(Level level, std::string_view event, nlohmann::json fields = nlohmann::json::object());

inline void debug(std::string_view e, nlohmann::json f = nlohmann::json::object()) {
  write(Level::debug, e, std::move(f));
}
inline void info(std::string_view e, nlohmann::json f = nlohmann::json::object()) {
  write(Level::info, e, std::move(f));
}
inline void warn(std::string_view e, nlohmann::json f = nlohmann::json::object()) {
  write(Level::warn, e, std::move(f));
}
inline void error(std::string_view e, nlohmann::json f = nlohmann::json::object()) {
  write(Level::error, e, std::move(f));
}

}  // namespace haven::log
