// WebRtcTransport end to end over real UDP on 127.0.0.1: a WebRtcClient (the browser's
// role) connects to a transport owned by a WebRtcServer; ICE, DTLS with fingerprint
// checks, SRTP both ways, replay protection, DTLS role policy and closing.
#include "sfu/transport/webrtc_transport.h"

#include <gtest/gtest.h>

#include "transport_test_harness.h"

namespace haven::sfu {
namespace {

using namespace transport_test;

TEST(WebRtcTransport, ClientConnectsAndBothSidesReportConnected) {
  Link link;
  ASSERT_TRUE(link.connect());
  EXPECT_EQ(link.events.connected, 1);
  EXPECT_EQ(link.client_events.connected, 1);
  EXPECT_EQ(link.transport->state(), WebRtcTransport::State::connected);
  EXPECT_EQ(link.transport->ice_state(), ice::IceState::connected);
  EXPECT_EQ(link.transport->dtls_state(), DtlsState::connected);
  EXPECT_EQ(link.transport->dtls_role(), DtlsRole::server);  // the policy
  ASSERT_TRUE(link.transport->selected_tuple().has_value());
  EXPECT_EQ(*link.transport->selected_tuple(), link.client->local_tuple());
  ASSERT_TRUE(link.transport->srtp_profile().has_value());
  EXPECT_EQ(link.transport->srtp_profile(), link.client->srtp_profile());
  // The server indexes exactly the one authenticated tuple and the one ufrag.
  EXPECT_EQ(link.server->indexed_tuple_count(), 1u);
  EXPECT_EQ(link.server->indexed_ufrag_count(), 1u);
  EXPECT_EQ(link.server->transport_count(), 1u);
  EXPECT_EQ(link.server->dropped().total(), 0u);
}

TEST(WebRtcTransport, ClientRtpArrivesDecryptedWithSsrcSeqAndPayload) {
  Link link;
  ASSERT_TRUE(link.connect());
  PacketBuffer buf;
  constexpr int kCount = 100;
  for (int i = 0; i < kCount; ++i) {
    const auto seq = static_cast<std::uint16_t>(1000 + i);
    const std::size_t len = make_rtp(buf, 0x11223344, seq, 100 + (i % 7));
    ASSERT_TRUE(link.client->send_rtp(buf, len));
    // A little air between packets keeps this a functional test, not a burst test.
    if (i % 20 == 19) run_for(link.ioc, 1ms);
  }
  ASSERT_TRUE(run_until(link.ioc, [&] { return link.events.rtp.size() == kCount; }));
  for (int i = 0; i < kCount; ++i) {
    const auto& p = link.events.rtp[i];
    const auto seq = static_cast<std::uint16_t>(1000 + i);
    EXPECT_EQ(p.ssrc, 0x11223344u);
    EXPECT_EQ(p.seq, seq);
    EXPECT_EQ(p.pt, 96);
    EXPECT_EQ(p.timestamp, std::uint32_t{seq} * 3000);
    EXPECT_EQ(p.payload, expected_payload(seq, 100 + (i % 7))) << i;
  }
  EXPECT_EQ(link.transport->stats().rtp_received, std::uint64_t{kCount});
  EXPECT_EQ(link.server->dropped().total(), 0u);
}

TEST(WebRtcTransport, ServerRtpAndRtcpArriveAtTheClient) {
  Link link;
  ASSERT_TRUE(link.connect());
  PacketBuffer buf;
  for (int i = 0; i < 50; ++i) {
    const std::size_t len = make_rtp(buf, 0xCAFE0001, static_cast<std::uint16_t>(7 + i));
    ASSERT_TRUE(link.transport->send_rtp(buf, len));
  }
  std::size_t len = make_rtcp_rr(buf, 0xCAFE0001);
  ASSERT_TRUE(link.transport->send_rtcp(buf, len));
  ASSERT_TRUE(run_until(link.ioc, [&] {
    return link.client_events.rtp.size() == 50 && link.client_events.rtcp.size() == 1;
  }));
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(link.client_events.rtp[i].ssrc, 0xCAFE0001u);
    EXPECT_EQ(link.client_events.rtp[i].seq, 7 + i);
    EXPECT_EQ(link.client_events.rtp[i].payload,
              expected_payload(static_cast<std::uint16_t>(7 + i)));
  }
  EXPECT_EQ(link.client_events.rtcp[0].size(), 8u);
  EXPECT_EQ(link.client_events.rtcp[0][1], 201);

  // And RTCP the other way.
  len = make_rtcp_rr(buf, 0x0BADF00D);
  ASSERT_TRUE(link.client->send_rtcp(buf, len));
  ASSERT_TRUE(run_until(link.ioc, [&] { return link.events.rtcp.size() == 1; }));
  EXPECT_EQ(link.events.rtcp[0][4], 0x0B);
  EXPECT_EQ(link.transport->stats().rtp_sent, 50u);
  EXPECT_EQ(link.transport->stats().rtcp_sent, 1u);
}

TEST(WebRtcTransport, WrongServerFingerprintAtTheClientNeverConnectsTheClient) {
  Link link;
  link.make_client(fast_client_options(), stranger_certificate().sdp_fingerprint());
  link.client->start();
  ASSERT_TRUE(run_until(link.ioc, [&] { return link.client_events.failed == 1; }));
  EXPECT_FALSE(link.client->connected());
  EXPECT_EQ(link.client_events.connected, 0);
  EXPECT_NE(link.client->failure_reason().find("fingerprint"), std::string::npos);
  // The client has no keys: it cannot send, and whatever the server sends is not media to it.
  PacketBuffer buf;
  EXPECT_FALSE(link.client->send_rtp(buf, make_rtp(buf, 1, 1)));
  if (link.transport->connected()) {
    for (int i = 0; i < 10; ++i) link.transport->send_rtp(buf, make_rtp(buf, 2, i));
  }
  run_for(link.ioc, 100ms);
  EXPECT_TRUE(link.client_events.rtp.empty());
  EXPECT_TRUE(link.events.rtp.empty());
}

TEST(WebRtcTransport, WrongClientFingerprintAtTheServerClosesTheTransport) {
  Link link;
  link.make_client();
  // The signalled client fingerprint is someone else's.
  ASSERT_TRUE(link.transport->set_remote_fingerprint(stranger_certificate().sdp_fingerprint()));
  link.client->start();
  ASSERT_TRUE(run_until(link.ioc, [&] { return link.events.closed == 1; }));
  EXPECT_EQ(link.events.connected, 0);
  EXPECT_EQ(link.transport->state(), WebRtcTransport::State::closed);
  EXPECT_EQ(link.transport->close_reason(), WebRtcTransport::CloseReason::dtls_failed);
  EXPECT_NE(link.transport->failure_reason().find("fingerprint"), std::string::npos);
  // The transport left the server's indexes: the client's packets go nowhere.
  EXPECT_EQ(link.server->transport_count(), 0u);
  EXPECT_EQ(link.server->indexed_tuple_count(), 0u);
  if (link.client->connected()) {
    PacketBuffer buf;
    const auto before = link.server->dropped()[DropReason::unknown_tuple];
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(link.client->send_rtp(buf, make_rtp(buf, 5, i)));
    ASSERT_TRUE(run_until(link.ioc, [&] {
      return link.server->dropped()[DropReason::unknown_tuple] == before + 10;
    }));
  }
  EXPECT_TRUE(link.events.rtp.empty());
}

TEST(WebRtcTransport, ReplayedSrtpIsCountedAndDropped) {
  Link link;
  ASSERT_TRUE(link.connect());
  PacketBuffer buf;
  std::size_t len = make_rtp(buf, 0xABCD, 42);
  ASSERT_TRUE(link.client->protect_rtp(buf, len));
  const std::vector<std::uint8_t> srtp(buf.begin(), buf.begin() + len);
  ASSERT_TRUE(link.client->send_raw(srtp));
  ASSERT_TRUE(run_until(link.ioc, [&] { return link.events.rtp.size() == 1; }));
  ASSERT_TRUE(link.client->send_raw(srtp));  // an attacker (or a bug) resends it
  ASSERT_TRUE(
      run_until(link.ioc, [&] { return link.server->dropped()[DropReason::srtp_replay] == 1; }));
  EXPECT_EQ(link.transport->dropped()[DropReason::srtp_replay], 1u);
  EXPECT_EQ(link.events.rtp.size(), 1u);

  // A tampered packet fails authentication, also counted.
  len = make_rtp(buf, 0xABCD, 43);
  ASSERT_TRUE(link.client->protect_rtp(buf, len));
  buf[20] ^= 0x01;
  ASSERT_TRUE(link.client->send_raw(std::span<const std::uint8_t>(buf.data(), len)));
  ASSERT_TRUE(
      run_until(link.ioc, [&] { return link.server->dropped()[DropReason::srtp_auth] == 1; }));
  EXPECT_EQ(link.events.rtp.size(), 1u);
}

TEST(WebRtcTransport, SendsBeforeConnectingAreCountedNotSent) {
  Link link;
  PacketBuffer buf;
  EXPECT_FALSE(link.transport->send_rtp(buf, make_rtp(buf, 1, 1)));
  EXPECT_FALSE(link.transport->send_rtcp(buf, make_rtcp_rr(buf, 1)));
  EXPECT_EQ(link.transport->dropped()[DropReason::not_connected], 2u);
  EXPECT_EQ(link.server->dropped()[DropReason::not_connected], 2u);
  EXPECT_EQ(link.server->socket_stats().datagrams_sent, 0u);
}

TEST(WebRtcTransport, SetupPolicyAnswersPassiveAndFreezesTheRole) {
  Link link;
  // Chrome's offer says actpass: we answer passive and stay the DTLS server.
  EXPECT_EQ(link.transport->apply_remote_setup(DtlsSetup::actpass), DtlsSetup::passive);
  EXPECT_EQ(link.transport->apply_remote_setup(DtlsSetup::active), DtlsSetup::passive);
  EXPECT_EQ(link.transport->dtls_role(), DtlsRole::server);
  EXPECT_EQ(kOfferSetup, DtlsSetup::actpass);
  EXPECT_EQ(parse_dtls_setup("ACTPASS"), DtlsSetup::actpass);
  EXPECT_EQ(parse_dtls_setup("holdconn"), std::nullopt);

  ASSERT_TRUE(link.connect());
  // Chromium re-offers actpass: the re-answer must repeat passive (pion#3552).
  EXPECT_EQ(link.transport->apply_remote_setup(DtlsSetup::actpass), DtlsSetup::passive);
  // A role flip after the handshake is refused.
  EXPECT_EQ(link.transport->apply_remote_setup(DtlsSetup::passive), std::nullopt);
  EXPECT_FALSE(link.transport->set_dtls_role(DtlsRole::client));
  EXPECT_EQ(link.transport->dtls_role(), DtlsRole::server);
}

TEST(WebRtcTransport, SfuActsAsDtlsClientWhenThePeerInsistsOnPassive) {
  Link link;
  // The peer's answer (or non-actpass offer) says passive: we become the client.
  EXPECT_EQ(link.transport->apply_remote_setup(DtlsSetup::passive), DtlsSetup::active);
  EXPECT_EQ(link.transport->dtls_role(), DtlsRole::client);
  auto options = fast_client_options();
  options.dtls_role = DtlsRole::server;
  link.make_client(options);
  ASSERT_TRUE(link.connect());
  PacketBuffer buf;
  ASSERT_TRUE(link.client->send_rtp(buf, make_rtp(buf, 9, 9)));
  ASSERT_TRUE(link.transport->send_rtp(buf, make_rtp(buf, 8, 8)));
  ASSERT_TRUE(run_until(
      link.ioc, [&] { return link.events.rtp.size() == 1 && link.client_events.rtp.size() == 1; }));
  EXPECT_EQ(link.events.rtp[0].ssrc, 9u);
  EXPECT_EQ(link.client_events.rtp[0].ssrc, 8u);
}

TEST(WebRtcTransport, LocalCloseSendsCloseNotifyAndLeavesTheIndexes) {
  Link link;
  ASSERT_TRUE(link.connect());
  link.transport->close();
  EXPECT_EQ(link.transport->state(), WebRtcTransport::State::closed);
  EXPECT_EQ(link.transport->close_reason(), WebRtcTransport::CloseReason::local);
  EXPECT_EQ(link.events.closed, 0);  // no event for a local close
  EXPECT_EQ(link.server->transport_count(), 0u);
  EXPECT_EQ(link.server->indexed_tuple_count(), 0u);
  EXPECT_EQ(link.server->indexed_ufrag_count(), 0u);
  // The client hears close_notify.
  ASSERT_TRUE(run_until(link.ioc, [&] { return link.client_events.failed == 1; }));
  PacketBuffer buf;
  EXPECT_FALSE(link.transport->send_rtp(buf, make_rtp(buf, 1, 1)));
  EXPECT_EQ(link.transport->dropped()[DropReason::closed], 1u);
  link.transport.reset();  // destroying a closed transport touches nothing
  EXPECT_EQ(link.server->transport_count(), 0u);
}

TEST(WebRtcTransport, PeerCloseNotifyClosesTheTransport) {
  Link link;
  ASSERT_TRUE(link.connect());
  link.client->close();
  ASSERT_TRUE(run_until(link.ioc, [&] { return link.events.closed == 1; }));
  EXPECT_EQ(link.transport->close_reason(), WebRtcTransport::CloseReason::dtls_closed_by_peer);
  EXPECT_EQ(link.server->transport_count(), 0u);
}

TEST(WebRtcTransport, DestroyingTheServerClosesItsTransports) {
  Link link;
  ASSERT_TRUE(link.connect());
  link.server.reset();
  EXPECT_EQ(link.events.closed, 1);
  EXPECT_EQ(link.transport->state(), WebRtcTransport::State::closed);
  EXPECT_EQ(link.transport->close_reason(), WebRtcTransport::CloseReason::server_closed);
  PacketBuffer buf;
  EXPECT_FALSE(link.transport->send_rtp(buf, make_rtp(buf, 1, 1)));
  link.transport.reset();
  // The client got close_notify before the socket closed.
  ASSERT_TRUE(run_until(link.ioc, [&] { return link.client_events.failed == 1; }));
}

TEST(WebRtcTransport, DestroyingAnOpenTransportUnregistersIt) {
  Link link;
  ASSERT_TRUE(link.connect());
  link.transport.reset();
  EXPECT_EQ(link.server->transport_count(), 0u);
  EXPECT_EQ(link.server->indexed_tuple_count(), 0u);
  EXPECT_EQ(link.server->indexed_ufrag_count(), 0u);
  // Timers of the destroyed transport must not fire into freed memory.
  run_for(link.ioc, 50ms);
}

}  // namespace
}  // namespace haven::sfu
