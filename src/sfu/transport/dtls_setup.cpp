#include "sfu/transport/dtls_setup.h"

#include <algorithm>
#include <cctype>

namespace haven::sfu {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<DtlsSetup> parse_dtls_setup(std::string_view value) noexcept {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) {
    value.remove_suffix(1);
  }
  if (iequals(value, "actpass")) return DtlsSetup::actpass;
  if (iequals(value, "active")) return DtlsSetup::active;
  if (iequals(value, "passive")) return DtlsSetup::passive;
  return std::nullopt;
}

std::string_view to_string(DtlsSetup setup) noexcept {
  switch (setup) {
    case DtlsSetup::actpass:
      return "actpass";
    case DtlsSetup::active:
      return "active";
    case DtlsSetup::passive:
      return "passive";
  }
  return "actpass";
}

}  // namespace haven::sfu
