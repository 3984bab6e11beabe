// Fuzz target: request-body validation (size, depth, UTF-8, JSON, schema).
// `make fuzz` runs it under libFuzzer; `make test` replays tests/fuzz/corpus/json_request.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json_body.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const haven::Schema schema{{
      {"token", haven::FieldType::string, true, 1, 128},
      {"email", haven::FieldType::string, false, 3, 254},
      {"count", haven::FieldType::integer, false, 0, 0, -5, 5},
      {"flag", haven::FieldType::boolean, false},
  }};
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto result = haven::parse_body(body, schema, 64 * 1024);
  if (auto* doc = std::get_if<nlohmann::json>(&result)) {
    // A document that passed must be an object holding only declared fields.
    if (!doc->is_object() || !doc->contains("token")) __builtin_trap();
  }
  return 0;
}
