// Request bodies: size limit, nesting limit, UTF-8, then a declared schema per endpoint.
// Unknown fields, missing fields and wrong types are refused before any handler runs.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/api_error.h"

namespace haven {

// id_list: an array of opaque ids (1-64 characters of [A-Za-z0-9_-] each), between
// min_value and max_value items. base64: canonical standard base64 (RFC 4648 §4) of
// min_length to max_length bytes; base64_list: min_value to max_value such items.
enum class FieldType { string, integer, boolean, id_list, base64, base64_list };

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::string;
  bool required = true;
  std::size_t min_length = 0;     // strings: code points; base64: decoded bytes
  std::size_t max_length = 1024;  // strings: code points; base64: decoded bytes
  std::int64_t min_value = 0;     // integers
  std::int64_t max_value = 0;
};

struct Schema {
  std::vector<FieldSpec> fields;
};

inline constexpr std::size_t kMaxJsonDepth = 32;

// 1-64 characters of [A-Za-z0-9_-]: the shape of every id Haven hands out.
bool is_opaque_id(std::string_view text);

// True when brackets nest no deeper than max_depth outside strings (checked before the
// parser runs, so hostile nesting costs nothing).
bool json_depth_ok(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

using BodyResult = std::variant<nlohmann::json, ApiError>;

// The whole pipeline. max_bytes is the endpoint's limit.
BodyResult parse_body(std::string_view body, const Schema& schema, std::size_t max_bytes);

}  // namespace haven
