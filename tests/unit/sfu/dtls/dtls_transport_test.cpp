// DtlsTransport: handshake between two in-memory transports, fingerprint enforcement,
// loss recovery, MTU discipline and hostile input.
#include "sfu/dtls/dtls_transport.h"

#include <gtest/gtest.h>

#include <random>

#include "dtls_test_harness.h"
#include "sfu/srtp/srtp_session.h"

namespace haven::sfu {
namespace {

using dtls_test::Direction;
using dtls_test::DtlsPair;
using namespace std::chrono_literals;

bool all_zero(std::span<const std::uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

std::vector<std::uint8_t> to_vector(std::span<const std::uint8_t> s) {
  return {s.begin(), s.end()};
}

void expect_matching_keys(const DtlsPair& p) {
  ASSERT_TRUE(p.client_events.keys.has_value());
  ASSERT_TRUE(p.server_events.keys.has_value());
  const SrtpKeys& c = *p.client_events.keys;
  const SrtpKeys& s = *p.server_events.keys;
  EXPECT_EQ(c.profile, s.profile);
  // What the client sends with is what the server receives with, and the other way round.
  EXPECT_EQ(to_vector(c.local.key_salt()), to_vector(s.remote.key_salt()));
  EXPECT_EQ(to_vector(c.remote.key_salt()), to_vector(s.local.key_salt()));
  EXPECT_NE(to_vector(c.local.key_salt()), to_vector(c.remote.key_salt()));
  EXPECT_EQ(c.local.key().size(), srtp_key_length(c.profile));
  EXPECT_EQ(c.local.salt().size(), srtp_salt_length(c.profile));
  EXPECT_FALSE(all_zero(c.local.key()));
  EXPECT_FALSE(all_zero(c.remote.salt()));
}

TEST(DtlsTransport, HandshakeConnectsBothSidesWithMirroredKeys) {
  DtlsPair p;
  p.exchange_fingerprints();
  EXPECT_EQ(p.client.state(), DtlsState::idle);
  p.client.start();
  EXPECT_EQ(p.client.state(), DtlsState::connecting);
  p.run();

  EXPECT_EQ(p.client.state(), DtlsState::connected);
  EXPECT_EQ(p.server.state(), DtlsState::connected);
  EXPECT_EQ(p.client_events.connected_calls, 1);
  EXPECT_EQ(p.server_events.connected_calls, 1);
  EXPECT_EQ(p.client_events.failed_calls + p.server_events.failed_calls, 0);
  expect_matching_keys(p);
  // GCM is listed first by both sides, so it wins whenever libsrtp can do it.
  const SrtpProfile expected =
      gcm_supported() ? SrtpProfile::aead_aes_128_gcm : SrtpProfile::aes128_cm_hmac_sha1_80;
  EXPECT_EQ(p.client_events.keys->profile, expected);
  EXPECT_EQ(p.client.srtp_profile(), expected);
  EXPECT_EQ(p.server.srtp_profile(), expected);
  EXPECT_FALSE(p.client.next_timeout().has_value());
  EXPECT_FALSE(p.server.next_timeout().has_value());
}

// A listener that hands each datagram straight to the peer, so transports re-enter each
// other from inside their callbacks.
struct ForwardingListener : dtls_test::RecordingListener {
  DtlsTransport* peer = nullptr;
  void send_datagram(std::span<const std::uint8_t> d) override {
    sent_sizes.push_back(d.size());
    if (peer != nullptr) peer->receive(d);
  }
};

TEST(DtlsTransport, HandshakeWorksWhenListenersForwardSynchronously) {
  DtlsContext client_ctx(dtls_test::client_certificate());
  DtlsContext server_ctx(dtls_test::server_certificate());
  ForwardingListener client_events, server_events;
  DtlsTransport client(client_ctx, DtlsRole::client, client_events);
  DtlsTransport server(server_ctx, DtlsRole::server, server_events);
  client_events.peer = &server;
  server_events.peer = &client;
  client.set_remote_fingerprint(dtls_test::server_certificate().fingerprint());
  server.set_remote_fingerprint(dtls_test::client_certificate().fingerprint());
  client.start();  // the whole handshake runs inside this call
  EXPECT_EQ(client.state(), DtlsState::connected);
  EXPECT_EQ(server.state(), DtlsState::connected);
  EXPECT_EQ(client_events.connected_calls, 1);
  EXPECT_EQ(server_events.connected_calls, 1);
  ASSERT_TRUE(client_events.keys && server_events.keys);
  EXPECT_EQ(to_vector(client_events.keys->local.key_salt()),
            to_vector(server_events.keys->remote.key_salt()));
  client.close();
  EXPECT_EQ(server.state(), DtlsState::closed);
  EXPECT_EQ(server_events.closed_calls, 1);
}

TEST(DtlsTransport, NegotiatesSha1ProfileWhenThatIsAllTheServerOffers) {
  DtlsContext::Options sha1_only;
  sha1_only.srtp_profiles = {SrtpProfile::aes128_cm_hmac_sha1_80};
  DtlsPair p({}, {}, {}, sha1_only);
  p.exchange_fingerprints();
  p.client.start();
  p.run();
  ASSERT_EQ(p.server.state(), DtlsState::connected);
  expect_matching_keys(p);
  EXPECT_EQ(p.server_events.keys->profile, SrtpProfile::aes128_cm_hmac_sha1_80);
  EXPECT_EQ(p.server_events.keys->local.key_salt().size(), 30u);
}

TEST(DtlsTransport, EveryDatagramFitsTheMtu) {
  for (std::size_t mtu : {std::size_t{1200}, std::size_t{256}}) {
    DtlsTransport::Options options;
    options.mtu = mtu;
    DtlsPair p(options, options);
    p.exchange_fingerprints();
    p.client.start();
    p.run();
    ASSERT_EQ(p.client.state(), DtlsState::connected) << mtu;
    ASSERT_EQ(p.server.state(), DtlsState::connected) << mtu;
    for (auto* events : {&p.client_events, &p.server_events}) {
      for (std::size_t size : events->sent_sizes) EXPECT_LE(size, mtu);
    }
    EXPECT_LE(p.server.stats().largest_datagram_sent, mtu);
    if (mtu == 256) {
      // The server's first flight (certificate and all, ~700 bytes) must have been split
      // into several datagrams rather than glued into one.
      EXPECT_GE(p.server_events.sent_sizes.size(), 4u);
    }
  }
}

TEST(DtlsTransport, ClientHelloFragmentedOverTwoDatagramsStillConnects) {
  // A long cipher list makes the ClientHello larger than a 256-byte MTU, so OpenSSL sends
  // it as fragments in separate datagrams, as Chrome's ~1.4 KB DTLS 1.3-capable hello is.
  DtlsTransport::Options small;
  small.mtu = 256;
  DtlsContext::Options many_ciphers;
  many_ciphers.cipher_list = "ALL";
  DtlsPair p(small, {}, many_ciphers, {});
  p.exchange_fingerprints();
  p.client.start();
  const std::size_t hello_datagrams = p.client_events.outgoing.size();
  EXPECT_GE(hello_datagrams, 2u);
  for (const auto& d : p.client_events.outgoing) {
    EXPECT_LE(d.size(), 256u);
    EXPECT_EQ(d[0], 22);  // handshake records
  }
  p.run();
  EXPECT_EQ(p.client.state(), DtlsState::connected);
  EXPECT_EQ(p.server.state(), DtlsState::connected);
  expect_matching_keys(p);
}

TEST(DtlsTransport, FingerprintMismatchFailsWithoutKeys) {
  DtlsPair p;
  // The server is told the client uses the server's own certificate: wrong peer.
  p.client.set_remote_fingerprint(dtls_test::server_certificate().fingerprint());
  p.server.set_remote_fingerprint(dtls_test::server_certificate().fingerprint());
  p.client.start();
  p.run();
  EXPECT_EQ(p.server.state(), DtlsState::failed);
  EXPECT_EQ(p.server_events.failed_calls, 1);
  EXPECT_NE(p.server_events.failure.find("fingerprint"), std::string::npos);
  EXPECT_FALSE(p.server_events.keys.has_value());
  EXPECT_EQ(p.server_events.connected_calls, 0);
  // The client, whose check passed, is told to stop instead of waiting for a timeout.
  EXPECT_EQ(p.client.state(), DtlsState::closed);
  // Later input does not revive it.
  p.server.set_remote_fingerprint(dtls_test::client_certificate().fingerprint());
  EXPECT_EQ(p.server.state(), DtlsState::failed);
  EXPECT_FALSE(p.server_events.keys.has_value());
}

TEST(DtlsTransport, ClientRejectsAServerWithTheWrongFingerprint) {
  DtlsPair p;
  p.client.set_remote_fingerprint(dtls_test::client_certificate().fingerprint());
  p.server.set_remote_fingerprint(dtls_test::client_certificate().fingerprint());
  p.client.start();
  p.run();
  EXPECT_EQ(p.client.state(), DtlsState::failed);
  EXPECT_FALSE(p.client_events.keys.has_value());
  EXPECT_EQ(p.client_events.connected_calls, 0);
}

TEST(DtlsTransport, FingerprintArrivingAfterTheHandshakeIsStillVerified) {
  DtlsPair p;  // no fingerprints yet: the SFU offered actpass, the answer is in flight
  p.client.start();
  p.run();
  EXPECT_EQ(p.client.state(), DtlsState::awaiting_fingerprint);
  EXPECT_EQ(p.server.state(), DtlsState::awaiting_fingerprint);
  EXPECT_FALSE(p.client_events.keys.has_value());
  EXPECT_FALSE(p.server_events.keys.has_value());

  EXPECT_FALSE(p.server.set_remote_fingerprint("sha-256 not-hex"));
  EXPECT_EQ(p.server.state(), DtlsState::awaiting_fingerprint);

  // Right one for the server: keys come out now.
  EXPECT_TRUE(p.server.set_remote_fingerprint(dtls_test::client_certificate().sdp_fingerprint()));
  EXPECT_EQ(p.server.state(), DtlsState::connected);
  EXPECT_EQ(p.server_events.connected_calls, 1);
  // Wrong one for the client: it fails and never hands out keys.
  EXPECT_TRUE(p.client.set_remote_fingerprint(dtls_test::client_certificate().sdp_fingerprint()));
  EXPECT_EQ(p.client.state(), DtlsState::failed);
  EXPECT_FALSE(p.client_events.keys.has_value());
}

TEST(DtlsTransport, LateLowercaseFingerprintMatches) {
  DtlsPair p;
  p.client.start();
  p.run();
  std::string lower = dtls_test::server_certificate().sdp_fingerprint();
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_TRUE(p.client.set_remote_fingerprint(lower));
  EXPECT_EQ(p.client.state(), DtlsState::connected);
  EXPECT_TRUE(p.server.set_remote_fingerprint(dtls_test::client_certificate().sdp_fingerprint()));
  expect_matching_keys(p);
  // A re-offer repeating the same fingerprint changes nothing; a different one fails.
  p.client.set_remote_fingerprint(dtls_test::server_certificate().fingerprint());
  EXPECT_EQ(p.client.state(), DtlsState::connected);
  p.client.set_remote_fingerprint(dtls_test::client_certificate().fingerprint());
  EXPECT_EQ(p.client.state(), DtlsState::failed);
  EXPECT_EQ(p.client_events.connected_calls, 1);
}

TEST(DtlsTransport, RecoversFromLostDatagramsThroughRetransmission) {
  DtlsPair p;
  p.exchange_fingerprints();
  // Lose the first ClientHello, the server's first flight and the client's first second
  // flight: each side must retransmit from on_timeout().
  p.drop = [](Direction dir, std::size_t index) {
    return (dir == Direction::client_to_server && (index == 0 || index == 2)) ||
           (dir == Direction::server_to_client && index == 0);
  };
  const auto started = std::chrono::steady_clock::now();
  p.client.start();
  ASSERT_TRUE(p.client.next_timeout().has_value());
  EXPECT_LE(*p.client.next_timeout(), 100ms);
  p.run();
  EXPECT_EQ(p.client.state(), DtlsState::connected);
  EXPECT_EQ(p.server.state(), DtlsState::connected);
  expect_matching_keys(p);
  EXPECT_EQ(p.dropped, 3u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(DtlsTransport, LostFinalFlightIsResentByTheConnectedServer) {
  DtlsPair p;
  p.exchange_fingerprints();
  // The server's second flight (ChangeCipherSpec + Finished) is lost. The server is done
  // and has no timer; it must resend when the client retransmits its own flight.
  p.drop = [](Direction dir, std::size_t index) {
    return dir == Direction::server_to_client && index == 1;
  };
  p.client.start();
  p.pump();
  ASSERT_EQ(p.dropped, 1u);
  EXPECT_EQ(p.server.state(), DtlsState::connected);
  EXPECT_EQ(p.client.state(), DtlsState::connecting);
  EXPECT_FALSE(p.server.next_timeout().has_value());
  p.run();
  EXPECT_EQ(p.client.state(), DtlsState::connected);
  EXPECT_EQ(p.server_events.connected_calls, 1);  // not announced twice
  expect_matching_keys(p);
}

TEST(DtlsTransport, GivesUpAfterTheHandshakeTimeout) {
  DtlsTransport::Options quick;
  quick.initial_retransmit = 20ms;
  quick.handshake_timeout = 300ms;
  DtlsPair p(quick, quick);
  p.exchange_fingerprints();
  p.drop = [](Direction dir, std::size_t) { return dir == Direction::server_to_client; };
  p.client.start();
  p.run(3s);
  EXPECT_EQ(p.client.state(), DtlsState::failed);
  EXPECT_NE(p.client.failure_reason().find("timed out"), std::string::npos);
  EXPECT_FALSE(p.client_events.keys.has_value());
  EXPECT_GT(p.client_events.sent_sizes.size(), 2u);  // it did retransmit before giving up
  EXPECT_FALSE(p.client.next_timeout().has_value());
}

TEST(DtlsTransport, GarbageNeverConnectsOrCrashes) {
  std::mt19937 rng(1234);
  DtlsContext ctx(dtls_test::server_certificate());

  // A genuine ClientHello to mutate, besides purely random datagrams.
  dtls_test::RecordingListener hello_events;
  DtlsContext client_ctx(dtls_test::client_certificate());
  DtlsTransport client(client_ctx, DtlsRole::client, hello_events);
  client.start();
  ASSERT_EQ(hello_events.outgoing.size(), 1u);
  const std::vector<std::uint8_t> hello = hello_events.outgoing.front();

  auto expect_no_keys = [](const DtlsTransport& t, const dtls_test::RecordingListener& e) {
    EXPECT_NE(t.state(), DtlsState::connected);
    EXPECT_NE(t.state(), DtlsState::awaiting_fingerprint);
    EXPECT_FALSE(e.keys.has_value());
    EXPECT_EQ(e.connected_calls, 0);
    EXPECT_LE(e.failed_calls, 1);
  };

  // Mutated ClientHellos, each to a fresh server (a repeated record sequence number would
  // be dropped as a replay before reaching the handshake parser).
  int rejected = 0;
  int answered = 0;
  for (int i = 0; i < 1000; ++i) {
    std::vector<std::uint8_t> d = hello;
    for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips) {
      d[13 + rng() % (d.size() - 13)] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    }
    dtls_test::RecordingListener events;
    DtlsTransport server(ctx, DtlsRole::server, events);
    server.receive(d);
    expect_no_keys(server, events);
    if (server.state() == DtlsState::failed) ++rejected;
    if (!events.sent_sizes.empty() && server.state() == DtlsState::connecting) ++answered;
  }
  // The mutations did reach OpenSSL's ClientHello parser: some were fatal, and some (flips
  // in the random or cipher bytes) were still acceptable.
  EXPECT_GT(rejected, 50);
  EXPECT_GT(answered, 50);

  // Random datagrams, DTLS-looking or not, to one server.
  dtls_test::RecordingListener events;
  DtlsTransport server(ctx, DtlsRole::server, events);
  std::vector<std::uint8_t> d;
  for (int i = 0; i < 2000; ++i) {
    d.resize(rng() % 1600);
    for (auto& b : d) b = static_cast<std::uint8_t>(rng());
    if (!d.empty() && i % 2 == 0) d[0] = static_cast<std::uint8_t>(20 + rng() % 44);
    server.receive(d);
  }
  expect_no_keys(server, events);
  const std::uint64_t ignored = server.stats().datagrams_ignored;
  server.receive({});
  EXPECT_EQ(server.stats().datagrams_ignored, ignored + 1);
}

TEST(DtlsTransport, GarbageAfterConnectingIsIgnored) {
  DtlsPair p;
  p.exchange_fingerprints();
  p.client.start();
  p.run();
  ASSERT_EQ(p.server.state(), DtlsState::connected);
  std::mt19937 rng(99);
  std::vector<std::uint8_t> d(300);
  for (int i = 0; i < 200; ++i) {
    for (auto& b : d) b = static_cast<std::uint8_t>(rng());
    d[0] = static_cast<std::uint8_t>(20 + i % 44);
    p.server.receive(d);
    p.client.receive(d);
  }
  EXPECT_EQ(p.server.state(), DtlsState::connected);
  EXPECT_EQ(p.client.state(), DtlsState::connected);
  std::vector<std::uint8_t> big(2000, 23);
  p.server.receive(big);
  EXPECT_GE(p.server.stats().datagrams_ignored, 1u);
}

TEST(DtlsTransport, ClientIgnoresInputBeforeStart) {
  dtls_test::RecordingListener events;
  DtlsContext ctx(dtls_test::client_certificate());
  DtlsTransport client(ctx, DtlsRole::client, events);
  const std::vector<std::uint8_t> d{22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  client.receive(d);
  EXPECT_EQ(client.state(), DtlsState::idle);
  EXPECT_EQ(client.stats().datagrams_ignored, 1u);
  EXPECT_TRUE(events.sent_sizes.empty());
  EXPECT_FALSE(client.next_timeout().has_value());
}

TEST(DtlsTransport, TwoClientsNeverConnect) {
  // Both sides acting active (diago#174) must fail, not hang or connect.
  dtls_test::RecordingListener a_events, b_events;
  DtlsContext a_ctx(dtls_test::client_certificate()), b_ctx(dtls_test::server_certificate());
  DtlsTransport a(a_ctx, DtlsRole::client, a_events), b(b_ctx, DtlsRole::client, b_events);
  a.start();
  b.start();
  for (const auto& d : a_events.outgoing) b.receive(d);
  for (const auto& d : b_events.outgoing) a.receive(d);
  EXPECT_NE(a.state(), DtlsState::connected);
  EXPECT_NE(b.state(), DtlsState::connected);
  EXPECT_EQ(a_events.connected_calls + b_events.connected_calls, 0);
}

TEST(DtlsTransport, CloseNotifyReachesThePeer) {
  DtlsPair p;
  p.exchange_fingerprints();
  p.client.start();
  p.run();
  ASSERT_EQ(p.server.state(), DtlsState::connected);
  p.client.close();
  EXPECT_EQ(p.client.state(), DtlsState::closed);
  p.pump();
  EXPECT_EQ(p.server.state(), DtlsState::closed);
  EXPECT_EQ(p.server_events.closed_calls, 1);
  EXPECT_EQ(p.client_events.closed_calls, 0);
}

TEST(DtlsTransport, RejectsAnMtuOpenSslCannotUse) {
  dtls_test::RecordingListener events;
  DtlsContext ctx(dtls_test::client_certificate());
  DtlsTransport::Options tiny;
  tiny.mtu = 100;
  EXPECT_THROW(DtlsTransport(ctx, DtlsRole::client, events, tiny), std::runtime_error);
}

}  // namespace
}  // namespace haven::sfu
