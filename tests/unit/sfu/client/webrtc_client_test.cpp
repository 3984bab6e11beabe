// WebRtcClient on its own: reading the SFU's candidate, behaviour with nobody answering,
// and its lifecycle. The client-to-SFU paths are exercised by tests/unit/sfu/transport/.
#include "sfu/client/webrtc_client.h"

#include <gtest/gtest.h>

#include "../transport/transport_test_harness.h"

namespace haven::sfu {
namespace {

using namespace transport_test;

TEST(WebRtcClient, ReadsTheServerAddressFromItsCandidate) {
  auto t = WebRtcClientRemote::address_from_candidate(
      "candidate:1 1 udp 2130706431 192.0.2.9 10000 typ host");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, Tuple::v4({192, 0, 2, 9}, 10000));
  t = WebRtcClientRemote::address_from_candidate("1 1 udp 2130706431 ::1 443 typ host");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->family, IpFamily::v6);
  EXPECT_EQ(t->port, 443);
  EXPECT_FALSE(WebRtcClientRemote::address_from_candidate(
      "candidate:1 1 udp 2130706431 abc.local 10000 typ host"));
  EXPECT_FALSE(WebRtcClientRemote::address_from_candidate("nonsense"));
}

TEST(WebRtcClient, KeepsCheckingWhileNobodyAnswers) {
  boost::asio::io_context ioc;
  DtlsContext ctx(client_certificate());
  // A UDP port nobody answers on: a bound socket that never reads.
  boost::asio::ip::udp::socket silent(
      ioc, boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  WebRtcClientRemote remote;
  remote.ice_ufrag = "Sufrag01";
  remote.ice_pwd = "serverPassword0123456789";
  remote.fingerprint = server_certificate().sdp_fingerprint();
  remote.address = Tuple::v4({127, 0, 0, 1}, silent.local_endpoint().port());
  ClientRecorder events;
  WebRtcClient client(ioc, ctx, remote, events.callbacks(), fast_client_options());
  EXPECT_EQ(client.state(), WebRtcClient::State::new_);
  EXPECT_EQ(client.stats().stun_requests_sent, 0u);  // nothing before start()
  client.start();
  EXPECT_EQ(client.state(), WebRtcClient::State::checking);
  run_for(ioc, 200ms);
  // A check every 20 ms, and no DTLS before ICE succeeded.
  EXPECT_GE(client.stats().stun_requests_sent, 5u);
  EXPECT_EQ(client.dtls_state(), DtlsState::idle);
  EXPECT_FALSE(client.connected());
  PacketBuffer buf;
  EXPECT_FALSE(client.send_rtp(buf, make_rtp(buf, 1, 1)));
  EXPECT_EQ(client.dropped()[DropReason::not_connected], 1u);
  client.close();
  EXPECT_EQ(client.state(), WebRtcClient::State::closed);
  const auto sent = client.stats().stun_requests_sent;
  run_for(ioc, 60ms);
  EXPECT_EQ(client.stats().stun_requests_sent, sent);  // silent after close
}

TEST(WebRtcClient, IgnoresDatagramsFromAnyoneButTheServer) {
  Link link;
  link.make_client();
  link.client->start();
  boost::asio::ip::udp::socket stranger(
      link.ioc, boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  PacketBuffer buf;
  const auto len = make_rtp(buf, 1, 1);
  const auto& local = link.client->local_tuple();
  stranger.send_to(
      boost::asio::buffer(buf.data(), len),
      boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::loopback(), local.port));
  ASSERT_TRUE(
      run_until(link.ioc, [&] { return link.client->dropped()[DropReason::unknown_tuple] == 1; }));
  ASSERT_TRUE(run_until(link.ioc, [&] { return link.client->connected(); }));
  EXPECT_TRUE(link.client_events.rtp.empty());
}

}  // namespace
}  // namespace haven::sfu
