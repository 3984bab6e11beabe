#include "sfu/ice/tuple.h"

#include <arpa/inet.h>

namespace haven::sfu {

std::string Tuple::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  const int af = family == IpFamily::v4 ? AF_INET : AF_INET6;
  if (::inet_ntop(af, ip.data(), buf, sizeof buf) == nullptr) return "?";
  std::string out;
  if (family == IpFamily::v6) {
    out = "[";
    out += buf;
    out += "]";
  } else {
    out = buf;
  }
  out += ':';
  out += std::to_string(port);
  return out;
}

}  // namespace haven::sfu
