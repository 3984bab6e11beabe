// Tuple value semantics and Asio conversions (sfu/ice/tuple.h, tuple_asio.h).
#include "sfu/ice/tuple.h"

#include <gtest/gtest.h>

#include <unordered_set>

#include "sfu/ice/tuple_asio.h"

namespace haven::sfu {
namespace {

TEST(TupleTest, EqualityAndHashing) {
  const auto a = Tuple::v4({192, 0, 2, 1}, 5000);
  EXPECT_EQ(a, Tuple::v4({192, 0, 2, 1}, 5000));
  EXPECT_NE(a, Tuple::v4({192, 0, 2, 1}, 5001));
  EXPECT_NE(a, Tuple::v4({192, 0, 2, 2}, 5000));
  // Same leading bytes, other family: different tuples.
  EXPECT_NE(a, Tuple::v6({192, 0, 2, 1}, 5000));
  // Bytes beyond an IPv4 address do not count.
  Tuple junk = a;
  junk.ip[10] = 0xff;
  EXPECT_EQ(a, junk);
  EXPECT_EQ(TupleHash{}(a), TupleHash{}(junk));

  std::unordered_set<Tuple> set{a, Tuple::v4({192, 0, 2, 1}, 5001), junk};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.contains(Tuple::v4({192, 0, 2, 1}, 5001)));
}

TEST(TupleTest, ToString) {
  EXPECT_EQ(Tuple::v4({10, 1, 2, 3}, 443).to_string(), "10.1.2.3:443");
  EXPECT_EQ(Tuple::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 80).to_string(),
            "[2001:db8::1]:80");
}

TEST(TupleTest, AsioRoundTrip) {
  namespace ip = boost::asio::ip;
  const ip::udp::endpoint v4(ip::make_address("198.51.100.7"), 40000);
  EXPECT_EQ(to_tuple(v4), Tuple::v4({198, 51, 100, 7}, 40000));
  EXPECT_EQ(to_endpoint(to_tuple(v4)), v4);
  const ip::udp::endpoint v6(ip::make_address("2001:db8::42"), 3478);
  EXPECT_EQ(to_tuple(v6).family, IpFamily::v6);
  EXPECT_EQ(to_endpoint(to_tuple(v6)), v6);
  // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; they are the IPv4 tuple.
  const ip::udp::endpoint mapped(ip::make_address("::ffff:198.51.100.7"), 40000);
  EXPECT_EQ(to_tuple(mapped), to_tuple(v4));
}

}  // namespace
}  // namespace haven::sfu
