#include "sfu/transport/host_candidate.h"

namespace haven::sfu {

std::string format_host_candidate(std::string_view ip, std::uint16_t port) {
  // Foundation: any 1–32 ice-chars, equal for candidates of the same type and base
  // (RFC 8445 §5.1.1.3); we only ever have one.
  std::string out = "candidate:1 1 udp ";
  out += std::to_string(kHostCandidatePriority);
  out += ' ';
  out += ip;
  out += ' ';
  out += std::to_string(port);
  out += " typ host";
  return out;
}

}  // namespace haven::sfu
