// a=candidate grammar (RFC 8839 §5.1, RFC 6544 tcptype), also used for trickled candidates.
#include "sfu/sdp/candidate.h"

#include <gtest/gtest.h>

namespace haven::sfu::sdp {
namespace {

TEST(SdpCandidate, ParsesChromiumHostCandidate) {
  auto c = parse_candidate(
      "candidate:3761887956 1 udp 2122194687 127.0.0.1 55014 typ host generation 0 "
      "network-id 3 network-cost 50");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->foundation, "3761887956");
  EXPECT_EQ(c->component, 1);
  EXPECT_EQ(c->transport, "udp");
  EXPECT_EQ(c->priority, 2122194687u);
  EXPECT_EQ(c->address, "127.0.0.1");
  EXPECT_EQ(c->port, 55014);
  EXPECT_EQ(c->type, "host");
  EXPECT_TRUE(c->related_address.empty());
  EXPECT_FALSE(c->related_port);
  using Ext = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(c->extensions, (Ext{{"generation", "0"}, {"network-id", "3"}, {"network-cost", "50"}}));
  // raw is the text after the prefix, so trickle and SDP forms agree.
  EXPECT_EQ(c->raw.substr(0, 11), "3761887956 ");
  EXPECT_EQ(format_candidate(*c), c->raw);
}

TEST(SdpCandidate, ParsesRelatedAddressAndTcpType) {
  auto c = parse_candidate(
      "842163049 1 tcp 1677729535 198.51.100.7 9 typ srflx raddr 10.0.0.2 rport 50000 "
      "tcptype active ufrag x1Yz");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->type, "srflx");
  EXPECT_EQ(c->related_address, "10.0.0.2");
  EXPECT_EQ(c->related_port, 50000);
  EXPECT_EQ(c->tcp_type, "active");
  ASSERT_EQ(c->extensions.size(), 1u);
  EXPECT_EQ(c->extensions[0].first, "ufrag");
  EXPECT_EQ(format_candidate(*c), c->raw);
}

TEST(SdpCandidate, FormatsBuiltCandidate) {
  // What the SFU advertises as an ICE-lite host candidate (sfu-interop.md §1).
  Candidate c;
  c.foundation = "1";
  c.priority = (126u << 24) | (65535u << 8) | 255u;
  c.address = "192.0.2.10";
  c.port = 40000;
  EXPECT_EQ(format_candidate(c), "1 1 udp 2130706431 192.0.2.10 40000 typ host");
  auto back = parse_candidate(format_candidate(c));
  ASSERT_TRUE(back);
  back->raw.clear();
  EXPECT_EQ(*back, c);
}

TEST(SdpCandidate, AcceptsMdnsAndIpv6Addresses) {
  auto mdns =
      parse_candidate("1 1 udp 1 8c2a0f3e-1b7d-4c1e-9f61-0d9e4c2f7a10.local 50000 typ host");
  ASSERT_TRUE(mdns);
  EXPECT_EQ(mdns->address, "8c2a0f3e-1b7d-4c1e-9f61-0d9e4c2f7a10.local");
  auto v6 = parse_candidate("1 1 UDP 1 2001:db8::1 50000 typ host");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->address, "2001:db8::1");
  EXPECT_EQ(v6->transport, "UDP");
}

TEST(SdpCandidate, RejectsMalformed) {
  std::string error;
  EXPECT_FALSE(parse_candidate("", &error));
  EXPECT_FALSE(error.empty());
  for (const char* bad : {
           "1 1 udp 1 192.0.2.1 9 typ",                                       // no type
           "1 1 udp 1 192.0.2.1 9 type host",                                 // not "typ"
           "f:o 1 udp 1 192.0.2.1 9 typ host",                                // ':' not an ice-char
           "123456789012345678901234567890123 1 udp 1 192.0.2.1 9 typ host",  // 33-char fnd
           "1 257 udp 1 192.0.2.1 9 typ host",                                // component > 256
           "1 1 udp 4294967296 192.0.2.1 9 typ host",                         // priority > 32 bits
           "1 1 udp -1 192.0.2.1 9 typ host",
           "1 1 udp 1 192.0.2.1 65536 typ host",
           "1 1 udp 1 192.0.2.1 9 typ host rport x",
           "1 1 udp 1 192.0.2.1 9 typ host generation",
       }) {
    error.clear();
    EXPECT_FALSE(parse_candidate(bad, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

}  // namespace
}  // namespace haven::sfu::sdp
