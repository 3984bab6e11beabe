// Small text helpers shared across layers (API input, SDP). Nothing here allocates.
#pragma once

#include <string_view>

namespace haven::text {

// Without leading and trailing spaces and tabs (line breaks are kept: callers that accept
// one line refuse them separately).
inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace haven::text
