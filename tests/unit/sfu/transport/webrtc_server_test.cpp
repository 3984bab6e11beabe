// WebRtcServer: demultiplexing of the shared port, drop accounting under a garbage flood,
// the per-peer rate limit, the host candidate and the [sfu] configuration.
#include "sfu/transport/webrtc_server.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>
#include <random>

#include "config/config.h"
#include "sfu/client/ice_agent.h"
#include "sfu/ice/tuple_asio.h"
#include "sfu/packet_kind.h"
#include "sfu/sdp/candidate.h"
#include "sfu/stun/builder.h"
#include "sfu/transport/host_candidate.h"
#include "sfu/transport/safe_timer.h"
#include "transport_test_harness.h"

namespace haven::sfu {
namespace {

using namespace transport_test;
namespace net = boost::asio;
using udp = net::ip::udp;

// A socket that only sends (the attacker); answers sent to it are never read.
struct RawSender {
  explicit RawSender(net::io_context& ioc)
      : socket(ioc, udp::endpoint(net::ip::address_v4::loopback(), 0)) {}
  void send(const WebRtcServer& server, std::span<const std::uint8_t> bytes) {
    socket.send_to(net::buffer(bytes.data(), bytes.size()),
                   udp::endpoint(net::ip::address_v4::loopback(), server.port()));
  }
  udp::socket socket;
};

std::vector<std::uint8_t> binding_request(const std::string& username, const std::string& pwd) {
  return *stun::MessageBuilder(stun::MessageClass::request, stun::kMethodBinding,
                               stun::random_transaction_id())
              .username(username)
              .priority(kHostCandidatePriority)
              .ice_controlling(1)
              .use_candidate()
              .message_integrity(pwd)
              .fingerprint()
              .finish();
}

TEST(WebRtcServer, DemuxDropsWhatNoTransportOwnsByReason) {
  Link link;
  RawSender attacker(link.ioc);
  // DTLS and RTP before any ICE check: unknown tuple.
  std::vector<std::uint8_t> dtls(40, 0);
  dtls[0] = 22;
  attacker.send(*link.server, dtls);
  PacketBuffer buf;
  attacker.send(*link.server, std::span<const std::uint8_t>(buf.data(), make_rtp(buf, 1, 1)));
  // A well-formed check for a ufrag nobody owns.
  attacker.send(*link.server, binding_request("nobodyhere:abcd", "0123456789012345678901"));
  // Not STUN/DTLS/RTP at all, and STUN-looking bytes that do not parse.
  std::vector<std::uint8_t> junk(30, 0x70);
  attacker.send(*link.server, junk);
  std::vector<std::uint8_t> bad_stun(30, 0x01);
  attacker.send(*link.server, bad_stun);
  // Larger than kMaxDatagram.
  std::vector<std::uint8_t> big(2000, 0x80);
  attacker.send(*link.server, big);
  // The right ufrag with the wrong password reaches the transport, which answers 401.
  attacker.send(*link.server, binding_request(link.transport->local_ice().ufrag + ":abcd",
                                              "wrongwrongwrongwrong22"));

  ASSERT_TRUE(run_until(link.ioc, [&] { return link.server->dropped().total() == 7; }));
  const auto d = link.server->dropped().snapshot();
  EXPECT_EQ(d[DropReason::unknown_tuple], 2u);
  EXPECT_EQ(d[DropReason::unknown_ufrag], 1u);
  EXPECT_EQ(d[DropReason::malformed], 3u);
  EXPECT_EQ(d[DropReason::stun_rejected], 1u);
  EXPECT_EQ(link.transport->dropped()[DropReason::stun_rejected], 1u);
  EXPECT_EQ(link.server->indexed_tuple_count(), 0u);  // nothing got authenticated
  EXPECT_EQ(link.transport->state(), WebRtcTransport::State::new_);
}

// A peer that passes ICE but never does DTLS: its tuple is authenticated and nominated,
// the transport is "connecting", and SRTP from it is dropped as not_connected. A tuple ICE
// never authenticated is refused at the transport's gate too.
TEST(WebRtcServer, IcePassedWithoutDtlsCarriesNoMedia) {
  Link link;
  RawSender peer(link.ioc);
  IceAgent agent(ice::IceCredentials::generate(), link.transport->local_ice());
  peer.send(*link.server, *agent.make_request());
  std::array<std::uint8_t, 1500> answer{};
  udp::endpoint from;
  ASSERT_TRUE(run_until(link.ioc, [&] { return peer.socket.available() > 0; }));
  const auto n = peer.socket.receive_from(net::buffer(answer), from);
  EXPECT_EQ(agent.handle_response(std::span<const std::uint8_t>(answer.data(), n)),
            IceAgent::Result::success);
  EXPECT_EQ(agent.mapped_address(), to_tuple(peer.socket.local_endpoint()));
  EXPECT_EQ(link.transport->state(), WebRtcTransport::State::connecting);
  EXPECT_EQ(link.transport->selected_tuple(), to_tuple(peer.socket.local_endpoint()));
  EXPECT_EQ(link.server->indexed_tuple_count(), 1u);

  PacketBuffer buf;
  peer.send(*link.server, std::span<const std::uint8_t>(buf.data(), make_rtp(buf, 1, 1)));
  ASSERT_TRUE(
      run_until(link.ioc, [&] { return link.server->dropped()[DropReason::not_connected] == 1; }));
  EXPECT_TRUE(link.events.rtp.empty());
  EXPECT_EQ(link.events.connected, 0);

  // Straight into the transport from a tuple ICE never saw: refused before DTLS/SRTP.
  const Tuple stranger = Tuple::v4({127, 0, 0, 1}, 9);
  std::vector<std::uint8_t> dtls(40, 0);
  dtls[0] = 22;
  link.transport->receive(stranger, PacketKind::dtls, dtls, std::chrono::steady_clock::now());
  link.transport->receive(stranger, PacketKind::rtp, std::span(buf.data(), make_rtp(buf, 1, 2)),
                          std::chrono::steady_clock::now());
  EXPECT_EQ(link.transport->dropped()[DropReason::unauthenticated], 2u);
  EXPECT_EQ(link.transport->stats().dtls_datagrams_received, 0u);
}

TEST(WebRtcServer, CandidateNamesTheAnnouncedAddressAndPort) {
  boost::asio::io_context ioc;
  DtlsContext ctx(server_certificate());
  auto options = test_server_options();
  options.announced_address = "192.0.2.7";
  WebRtcServer server(ioc, ctx, options);
  ASSERT_NE(server.port(), 0);
  const auto text = server.local_candidate();
  EXPECT_EQ(text, "candidate:1 1 udp 2130706431 192.0.2.7 " + std::to_string(server.port()) +
                      " typ host");
  const auto c = sdp::parse_candidate(text);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->priority, 2130706431u);
  EXPECT_EQ(c->type, "host");
  EXPECT_EQ(c->component, 1);
  RecordingTransportListener events;
  auto transport = server.create_transport(events);
  EXPECT_EQ(transport->local_candidate(), text);
  EXPECT_EQ(transport->local_candidate("203.0.113.1", 4242),
            "candidate:1 1 udp 2130706431 203.0.113.1 4242 typ host");
  EXPECT_EQ(transport->local_fingerprint(), server.local_fingerprint());
  // Distinct transports get distinct, valid credentials.
  auto other = server.create_transport(events);
  EXPECT_NE(other->local_ice().ufrag, transport->local_ice().ufrag);
  EXPECT_TRUE(ice::is_valid_ufrag(other->local_ice().ufrag));
  EXPECT_TRUE(ice::is_valid_pwd(other->local_ice().pwd));
  EXPECT_EQ(server.transport_count(), 2u);
}

TEST(WebRtcServer, WildcardListenNeedsAnAnnouncedAddress) {
  boost::asio::io_context ioc;
  DtlsContext ctx(server_certificate());
  auto options = test_server_options();
  options.listen_address = "0.0.0.0";
  EXPECT_THROW(WebRtcServer(ioc, ctx, options), std::runtime_error);
  options.announced_address = "127.0.0.1";
  WebRtcServer server(ioc, ctx, options);
  EXPECT_EQ(server.announced_address(), "127.0.0.1");
  options.listen_address = "not-an-ip";
  EXPECT_THROW(WebRtcServer(ioc, ctx, options), std::runtime_error);
}

TEST(WebRtcServer, ConfigKeysDefaultAndValidate) {
  Config cfg;
  ASSERT_FALSE(load_config(cfg, "", {}));
  const auto o = WebRtcServerOptions::from_config(cfg);
  EXPECT_EQ(o.listen_address, "127.0.0.1");
  EXPECT_EQ(o.port, 10000);
  EXPECT_EQ(o.announced_address, "");
  EXPECT_EQ(o.consent_timeout, std::chrono::seconds(30));
  EXPECT_EQ(o.max_packets_per_second_per_peer, 2000u);

  Config prod;
  EXPECT_FALSE(load_config(prod, "",
                           {{"sfu.listen_address", "0.0.0.0"},
                            {"sfu.announced_address", "198.51.100.4"},
                            {"sfu.port", "0"},
                            {"sfu.max_packets_per_second_per_peer", "0"}}));
  EXPECT_EQ(WebRtcServerOptions::from_config(prod).announced_address, "198.51.100.4");
  EXPECT_EQ(WebRtcServerOptions::from_config(prod).port, 0);

  Config bad;
  auto err = load_config(bad, "", {{"sfu.listen_address", "0.0.0.0"}});
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "sfu.announced_address");
  err = load_config(bad, "", {{"sfu.listen_address", "example.org"}});
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "sfu.listen_address");
  err = load_config(bad, "", {{"sfu.announced_address", "::"}});
  ASSERT_TRUE(err);
  err = load_config(bad, "", {{"sfu.consent_timeout_seconds", "1"}});
  ASSERT_TRUE(err);
  err = load_config(bad, "", {{"sfu.port", "70000"}});
  ASSERT_TRUE(err);
}

// 10 000 garbage datagrams from unknown tuples, paced so the kernel never drops any,
// interleaved with the client's media: every client packet arrives, and the drop counters
// account for every garbage datagram, by reason.
TEST(WebRtcServer, GarbageFloodIsCountedAndMediaStillArrives) {
  Link link;
  ASSERT_TRUE(link.connect());
  std::vector<std::unique_ptr<RawSender>> attackers;
  for (int i = 0; i < 4; ++i) attackers.push_back(std::make_unique<RawSender>(link.ioc));

  std::mt19937 rng(20240611);
  auto byte = [&] { return static_cast<std::uint8_t>(rng() & 0xff); };
  const std::string real_ufrag = link.transport->local_ice().ufrag;
  DropSnapshot expected;
  std::uint64_t expected_rejected_or_limited = 0;
  auto expect = [&](DropReason r) { ++expected.by_reason[static_cast<std::size_t>(r)]; };

  auto make_garbage = [&](int n) -> std::vector<std::uint8_t> {
    switch (n % 5) {
      case 0: {  // random bytes, random length
        std::vector<std::uint8_t> g(1 + rng() % 1400);
        for (auto& b : g) b = byte();
        const PacketKind k = classify(g);
        expect(k == PacketKind::stun || k == PacketKind::unknown ? DropReason::malformed
                                                                 : DropReason::unknown_tuple);
        return g;
      }
      case 1:  // a valid-looking check for a ufrag nobody owns
        expect(DropReason::unknown_ufrag);
        return binding_request("fake" + std::to_string(n) + ":xyz1", "0123456789012345678901");
      case 2: {  // the real ufrag, the wrong password: answered 401 (or rate limited)
        ++expected_rejected_or_limited;
        return binding_request(real_ufrag + ":evil", "wrongwrongwrongwrong22");
      }
      case 3: {  // fake SRTP
        std::vector<std::uint8_t> g(60 + rng() % 900);
        for (auto& b : g) b = byte();
        g[0] = 0x80;
        g[1] = 96;
        expect(DropReason::unknown_tuple);
        return g;
      }
      default: {  // oversized
        std::vector<std::uint8_t> g(1600 + rng() % 400, 0x80);
        expect(DropReason::malformed);
        return g;
      }
    }
  };

  constexpr int kGarbage = 10000;
  constexpr int kPerBatch = 50;
  constexpr int kClientPackets = kGarbage / kPerBatch;
  const auto before = link.server->dropped().snapshot();
  int sent_garbage = 0;
  int batch = 0;
  PacketBuffer buf;
  SafeTimer pacer(link.ioc);
  std::function<void()> send_batch = [&] {
    for (int i = 0; i < kPerBatch; ++i, ++sent_garbage) {
      attackers[sent_garbage % attackers.size()]->send(*link.server, make_garbage(sent_garbage));
    }
    const auto seq = static_cast<std::uint16_t>(batch);
    ASSERT_TRUE(link.client->send_rtp(buf, make_rtp(buf, 0x5EED, seq)));
    if (++batch < kClientPackets) pacer.arm_after(1ms, send_batch);
  };
  send_batch();
  ASSERT_TRUE(run_until(
      link.ioc,
      [&] {
        return batch == kClientPackets &&
               link.events.rtp.size() == static_cast<std::size_t>(kClientPackets) &&
               link.server->dropped().total() - before.total() == kGarbage;
      },
      20s))
      << "rtp " << link.events.rtp.size() << " drops "
      << link.server->dropped().total() - before.total();

  for (int i = 0; i < kClientPackets; ++i) {
    EXPECT_EQ(link.events.rtp[i].seq, i);
    EXPECT_EQ(link.events.rtp[i].ssrc, 0x5EEDu);
  }
  const auto after = link.server->dropped().snapshot();
  auto delta = [&](DropReason r) { return after[r] - before[r]; };
  EXPECT_EQ(delta(DropReason::unknown_tuple), expected[DropReason::unknown_tuple]);
  EXPECT_EQ(delta(DropReason::unknown_ufrag), expected[DropReason::unknown_ufrag]);
  EXPECT_EQ(delta(DropReason::malformed), expected[DropReason::malformed]);
  EXPECT_EQ(delta(DropReason::stun_rejected) + delta(DropReason::rate_limited),
            expected_rejected_or_limited);
  EXPECT_TRUE(link.transport->connected());
  EXPECT_EQ(link.server->indexed_tuple_count(), 1u);  // no garbage tuple got in
}

// 1000 packets in 20 ms against a 200 packets/s limit: about one second's worth gets
// through, the rest is dropped and counted.
TEST(WebRtcServer, PerPeerRateLimitDropsTheExcess) {
  WebRtcTransportOptions limited;
  limited.max_packets_per_second = 200;
  Link link(test_server_options(), limited);
  auto client_options = fast_client_options();
  client_options.consent_interval = 10s;  // keep STUN out of the count
  link.make_client(client_options);
  ASSERT_TRUE(link.connect());
  run_for(link.ioc, 100ms);  // let the bucket refill after the handshake

  constexpr int kSent = 1000;
  PacketBuffer buf;
  SafeTimer pacer(link.ioc);
  int sent = 0;
  const auto started = std::chrono::steady_clock::now();
  std::function<void()> burst = [&] {
    for (int i = 0; i < 100; ++i, ++sent) {
      ASSERT_TRUE(link.client->send_rtp(buf, make_rtp(buf, 77, static_cast<std::uint16_t>(sent))));
    }
    if (sent < kSent) pacer.arm_after(2ms, burst);
  };
  burst();
  auto limited_drops = [&] { return link.transport->dropped()[DropReason::rate_limited]; };
  ASSERT_TRUE(run_until(link.ioc, [&] {
    return sent == kSent && link.events.rtp.size() + limited_drops() == kSent;
  }));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto accepted = link.events.rtp.size();
  EXPECT_GE(accepted, 190u);
  EXPECT_LE(static_cast<double>(accepted), 200 + 200 * seconds + 5);
  EXPECT_EQ(link.server->dropped()[DropReason::rate_limited], limited_drops());
  // Still connected: rate limiting is not a disconnection.
  EXPECT_TRUE(link.transport->connected());
}

}  // namespace
}  // namespace haven::sfu
