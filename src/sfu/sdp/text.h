// Small string helpers shared by the SDP parser, writer and queries. Nothing here throws
// or allocates except split_tokens() (which returns views into its argument).
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "util/text.h"

namespace haven::sfu::sdp::text {

inline bool is_space(char c) {
  return c == ' ' || c == '\t';
}

inline std::string_view trim(std::string_view s) {
  return haven::text::trim_blanks(s);
}

inline std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

// Splits at runs of spaces/tabs, dropping empty tokens, so "a  b" and "a b" read alike and
// re-joining with one space is a fixed point (needed for the round-trip contract).
inline std::vector<std::string_view> split_tokens(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// First token and the rest after it (leading spaces skipped), without allocating.
inline std::pair<std::string_view, std::string_view> next_token(std::string_view s) {
  s = trim_left(s);
  std::size_t i = 0;
  while (i < s.size() && !is_space(s[i])) ++i;
  return {s.substr(0, i), trim_left(s.substr(i))};
}

// Strict unsigned decimal: digits only, no sign, no leading '+', fits in T.
template <typename T>
std::optional<T> parse_uint(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  T value{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "k1=v1;k2;k3=v3" -> ordered pairs, segments and both sides trimmed, empty segments dropped.
// Used for a=fmtp (RFC 8866 §6.15 format-specific parameters) and a=rid restrictions.
inline std::vector<std::pair<std::string, std::string>> split_params(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!s.empty()) {
    std::size_t semi = s.find(';');
    std::string_view seg = trim(s.substr(0, semi));
    s = semi == std::string_view::npos ? std::string_view{} : s.substr(semi + 1);
    if (seg.empty()) continue;
    std::size_t eq = seg.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(std::string(seg), std::string());
    } else {
      std::string_view key = trim(seg.substr(0, eq));
      std::string_view value = trim(seg.substr(eq + 1));
      if (key.empty() && value.empty()) continue;  // a lone "=" says nothing
      out.emplace_back(std::string(key), std::string(value));
    }
  }
  return out;
}

}  // namespace haven::sfu::sdp::text
