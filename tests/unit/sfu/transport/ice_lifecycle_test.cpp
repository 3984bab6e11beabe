// ICE over time on a real transport: consent expiry (RFC 7675) drops a silent peer and a
// new nomination brings it back; ICE restart (RFC 8445 §9) keeps DTLS/SRTP and media, with
// the new credentials and from a new 5-tuple.
#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>

#include "sfu/stun/builder.h"
#include "sfu/transport/host_candidate.h"
#include "transport_test_harness.h"

namespace haven::sfu {
namespace {

using namespace transport_test;

WebRtcTransportOptions short_consent() {
  WebRtcTransportOptions o;
  o.consent_timeout = 500ms;
  return o;
}

WebRtcClientOptions chatty_client() {
  auto o = fast_client_options();
  o.consent_interval = 100ms;
  return o;
}

TEST(IceLifecycle, ConsentTimeoutDropsASilentPeerAndANewNominationRestoresIt) {
  Link link(test_server_options(), short_consent());
  link.make_client(chatty_client());
  ASSERT_TRUE(link.connect());
  // Consent checks every 100 ms keep a 500 ms consent alive.
  run_for(link.ioc, 1200ms);
  EXPECT_TRUE(link.transport->connected());
  EXPECT_EQ(link.events.disconnected, 0);

  link.client->set_consent_enabled(false);
  const auto silent_since = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until(
      link.ioc, [&] { return link.events.disconnected == 1; }, 3s));
  const auto waited = std::chrono::steady_clock::now() - silent_since;
  EXPECT_GE(waited, 300ms);  // not before the timeout (less the last check's age)
  EXPECT_EQ(link.transport->state(), WebRtcTransport::State::disconnected);
  EXPECT_EQ(link.transport->ice_state(), ice::IceState::disconnected);
  EXPECT_FALSE(link.transport->selected_tuple().has_value());
  EXPECT_EQ(link.server->indexed_tuple_count(), 0u);  // the tuple lost its authentication

  // Sends are dropped and counted; the peer's media is from an unknown tuple now.
  PacketBuffer buf;
  EXPECT_FALSE(link.transport->send_rtp(buf, make_rtp(buf, 1, 1)));
  EXPECT_EQ(link.transport->dropped()[DropReason::not_connected], 1u);
  const auto unknown_before = link.server->dropped()[DropReason::unknown_tuple];
  ASSERT_TRUE(link.client->send_rtp(buf, make_rtp(buf, 2, 1)));
  ASSERT_TRUE(run_until(link.ioc, [&] {
    return link.server->dropped()[DropReason::unknown_tuple] == unknown_before + 1;
  }));
  EXPECT_TRUE(link.events.rtp.empty());

  // The peer checks (and nominates) again: connected, with DTLS and SRTP as they were.
  link.client->set_consent_enabled(true);
  ASSERT_TRUE(run_until(
      link.ioc, [&] { return link.events.connected == 2; }, 3s));
  EXPECT_TRUE(link.transport->connected());
  ASSERT_TRUE(link.client->send_rtp(buf, make_rtp(buf, 2, 2)));
  ASSERT_TRUE(link.transport->send_rtp(buf, make_rtp(buf, 3, 1)));
  ASSERT_TRUE(run_until(
      link.ioc, [&] { return link.events.rtp.size() == 1 && link.client_events.rtp.size() == 1; }));
  EXPECT_EQ(link.events.rtp[0].seq, 2);
}

TEST(IceLifecycle, IceRestartKeepsMediaFlowingWithTheNewCredentials) {
  Link link;
  ASSERT_TRUE(link.connect());
  PacketBuffer buf;
  std::uint16_t seq = 0;
  auto stream = [&](int n) {
    for (int i = 0; i < n; ++i)
      ASSERT_TRUE(link.client->send_rtp(buf, make_rtp(buf, 0xF00D, seq++)));
  };
  stream(20);
  ASSERT_TRUE(run_until(link.ioc, [&] { return link.events.rtp.size() == 20; }));

  const ice::IceCredentials old_creds = link.transport->local_ice();
  link.transport->restart_ice();
  const ice::IceCredentials new_creds = link.transport->local_ice();
  ASSERT_NE(new_creds.ufrag, old_creds.ufrag);
  ASSERT_NE(new_creds.pwd, old_creds.pwd);
  // Both ufrags route until the peer uses the new one.
  EXPECT_EQ(link.server->indexed_ufrag_count(), 2u);
  stream(20);  // media keeps flowing meanwhile (same tuple, same SRTP)
  ASSERT_TRUE(run_until(link.ioc, [&] { return link.events.rtp.size() == 40; }));

  link.client->restart_ice(new_creds.ufrag, new_creds.pwd);
  ASSERT_TRUE(run_until(
      link.ioc, [&] { return link.client->ice_agent().last_success_ufrag() == new_creds.ufrag; }));
  EXPECT_EQ(link.server->indexed_ufrag_count(), 1u);  // the old ufrag is retired
  ASSERT_EQ(link.transport->indexed_ufrags().size(), 1u);
  EXPECT_EQ(link.transport->indexed_ufrags()[0], new_creds.ufrag);
  EXPECT_EQ(link.transport->dtls_state(), DtlsState::connected);  // DTLS untouched
  EXPECT_EQ(link.events.connected, 1);
  stream(20);
  ASSERT_TRUE(run_until(link.ioc, [&] { return link.events.rtp.size() == 60; }));

  // The network changes: checks with the new credentials from a new port re-select the
  // pair, and media flows both ways on it.
  link.client->switch_local_port();
  ASSERT_TRUE(run_until(
      link.ioc, [&] { return link.transport->selected_tuple() == link.client->local_tuple(); }));
  stream(20);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        link.transport->send_rtp(buf, make_rtp(buf, 0xBEEF, static_cast<std::uint16_t>(i))));
  }
  ASSERT_TRUE(run_until(link.ioc, [&] {
    return link.events.rtp.size() == 80 && link.client_events.rtp.size() == 10;
  }));
  for (std::size_t i = 0; i < link.events.rtp.size(); ++i) EXPECT_EQ(link.events.rtp[i].seq, i);

  // A check with the retired credentials from a fresh tuple finds no transport.
  const auto before = link.server->dropped()[DropReason::unknown_ufrag];
  boost::asio::ip::udp::socket stray(
      link.ioc, boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  auto request = stun::MessageBuilder(stun::MessageClass::request, stun::kMethodBinding,
                                      stun::random_transaction_id())
                     .username(old_creds.ufrag + ":late")
                     .priority(kHostCandidatePriority)
                     .ice_controlling(7)
                     .message_integrity(old_creds.pwd)
                     .fingerprint()
                     .finish();
  ASSERT_TRUE(request);
  stray.send_to(
      boost::asio::buffer(*request),
      boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::loopback(), link.server->port()));
  ASSERT_TRUE(run_until(
      link.ioc, [&] { return link.server->dropped()[DropReason::unknown_ufrag] == before + 1; }));
  EXPECT_EQ(link.transport->stats().ice_restarts, 1u);
}

}  // namespace
}  // namespace haven::sfu
