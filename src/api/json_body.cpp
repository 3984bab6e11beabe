#include "api/json_body.h"

#include "auth/password.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

ApiError field_error(const char* code, const std::string& field, const std::string& problem) {
  // Field names come from our schema, not from the request, so they are safe to echo.
  return {400, code, "Field '" + field + "' " + problem + "."};
}

// Canonical standard base64 whose decoded size is within the spec's byte bounds.
bool base64_within(const nlohmann::json& value, const FieldSpec& spec) {
  if (!value.is_string()) return false;
  const auto& text = value.get_ref<const std::string&>();
  // Checked on the text first, so an oversized value is never decoded.
  if (text.size() > (spec.max_length + 2) / 3 * 4) return false;
  auto bytes = from_base64(text);
  return bytes && bytes->size() >= spec.min_length && bytes->size() <= spec.max_length;
}

// An array of min_value to max_value items, each of which passes `item_ok`.
template <typename ItemCheck>
std::optional<ApiError> check_list(const FieldSpec& spec, const nlohmann::json& value,
                                   const char* noun, const std::string& item_problem,
                                   ItemCheck item_ok) {
  const auto count = static_cast<std::int64_t>(value.is_array() ? value.size() : 0);
  if (!value.is_array() || count < spec.min_value || count > spec.max_value) {
    return field_error("invalid_field", spec.name,
                       "must be a list of " + std::to_string(spec.min_value) + " to " +
                           std::to_string(spec.max_value) + " " + noun);
  }
  for (const auto& item : value) {
    if (!item_ok(item)) return field_error("invalid_field", spec.name, item_problem);
  }
  return std::nullopt;
}

std::optional<ApiError> check_field(const FieldSpec& spec, const nlohmann::json& value) {
  switch (spec.type) {
    case FieldType::string: {
      if (!value.is_string()) return field_error("invalid_field", spec.name, "must be a string");
      auto n = utf8_length(value.get_ref<const std::string&>());
      if (n < spec.min_length || n > spec.max_length) {
        return field_error("invalid_field", spec.name,
                           "must be " + std::to_string(spec.min_length) + " to " +
                               std::to_string(spec.max_length) + " characters");
      }
      return std::nullopt;
    }
    case FieldType::integer: {
      if (!value.is_number_integer()) {
        return field_error("invalid_field", spec.name, "must be an integer");
      }
      if (value.is_number_unsigned() &&
          value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
        return field_error("invalid_field", spec.name, "is out of range");
      }
      auto v = value.get<std::int64_t>();
      if (v < spec.min_value || v > spec.max_value) {
        return field_error("invalid_field", spec.name, "is out of range");
      }
      return std::nullopt;
    }
    case FieldType::boolean:
      if (!value.is_boolean())
        return field_error("invalid_field", spec.name, "must be true or false");
      return std::nullopt;
    case FieldType::base64:
      if (!base64_within(value, spec)) {
        return field_error("invalid_field", spec.name,
                           "must be base64 of " + std::to_string(spec.min_length) + " to " +
                               std::to_string(spec.max_length) + " bytes");
      }
      return std::nullopt;
    case FieldType::base64_list:
      return check_list(spec, value, "items", "must hold base64 items of at most " +
                                                  std::to_string(spec.max_length) + " bytes",
                        [&](const nlohmann::json& item) { return base64_within(item, spec); });
    case FieldType::id_list:
      return check_list(spec, value, "ids", "must hold ids only", [](const nlohmann::json& item) {
        return item.is_string() && is_opaque_id(item.get_ref<const std::string&>());
      });
  }
  return std::nullopt;
}

}  // namespace

bool is_opaque_id(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool json_depth_ok(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char ch : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (ch == '\\') {
        escaped = true;
      } else if (ch == '"') {
        in_string = false;
      }
      continue;
    }
    if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      if (++depth > max_depth) return false;
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

BodyResult parse_body(std::string_view body, const Schema& schema, std::size_t max_bytes) {
  if (body.size() > max_bytes) return errors::body_too_large();
  if (!json_depth_ok(body)) return errors::invalid_json();
  // No exceptions: a discarded value means a syntax error or ill-formed UTF-8.
  auto doc = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded()) return errors::invalid_json();
  if (!doc.is_object())
    return ApiError{400, "invalid_json", "The request body must be a JSON object."};
  for (auto& [key, value] : doc.items()) {
    bool known = false;
    for (auto& spec : schema.fields) known = known || spec.name == key;
    if (!known)
      return ApiError{400, "unknown_field",
                      "The request has a field this endpoint does not accept."};
  }
  for (auto& spec : schema.fields) {
    auto it = doc.find(spec.name);
    if (it == doc.end()) {
      if (spec.required) return field_error("missing_field", spec.name, "is required");
      continue;
    }
    if (auto err = check_field(spec, *it)) return *err;
  }
  return doc;
}

}  // namespace haven
