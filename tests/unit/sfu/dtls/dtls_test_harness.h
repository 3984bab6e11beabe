// Two DtlsTransports wired to each other in memory, with a lossy "network" between them.
// Shared by the DTLS tests and the DTLS→SRTP key tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "sfu/dtls/dtls_certificate.h"
#include "sfu/dtls/dtls_context.h"
#include "sfu/dtls/dtls_transport.h"

namespace haven::sfu::dtls_test {

// Certificate generation costs a few ms; share one per role across the test binary.
inline const DtlsCertificate& client_certificate() {
  static const DtlsCertificate cert = DtlsCertificate::generate();
  return cert;
}
inline const DtlsCertificate& server_certificate() {
  static const DtlsCertificate cert = DtlsCertificate::generate();
  return cert;
}

struct RecordingListener : DtlsTransport::Listener {
  std::deque<std::vector<std::uint8_t>> outgoing;  // not yet delivered to the peer
  std::vector<std::size_t> sent_sizes;             // every datagram ever emitted
  std::optional<SrtpKeys> keys;
  int connected_calls = 0;
  int failed_calls = 0;
  int closed_calls = 0;
  std::string failure;

  void send_datagram(std::span<const std::uint8_t> d) override {
    outgoing.emplace_back(d.begin(), d.end());
    sent_sizes.push_back(d.size());
  }
  void on_connected(const SrtpKeys& k) override {
    keys = k;
    ++connected_calls;
  }
  void on_failed(std::string_view reason) override {
    failure = reason;
    ++failed_calls;
  }
  void on_closed() override { ++closed_calls; }
};

enum class Direction { client_to_server, server_to_client };
// Returns true to drop the n-th datagram (0-based, per direction).
using DropRule = std::function<bool(Direction, std::size_t index)>;

struct DtlsPair {
  explicit DtlsPair(DtlsTransport::Options client_options = {},
                    DtlsTransport::Options server_options = {},
                    DtlsContext::Options client_context_options = {},
                    DtlsContext::Options server_context_options = {})
      : client_ctx(client_certificate(), std::move(client_context_options)),
        server_ctx(server_certificate(), std::move(server_context_options)),
        client(client_ctx, DtlsRole::client, client_events, client_options),
        server(server_ctx, DtlsRole::server, server_events, server_options) {}

  // Both sides learn the other's real fingerprint (the normal case).
  void exchange_fingerprints() {
    client.set_remote_fingerprint(server_certificate().fingerprint());
    server.set_remote_fingerprint(client_certificate().fingerprint());
  }

  // Delivers queued datagrams until none are in flight.
  void pump() {
    while (!client_events.outgoing.empty() || !server_events.outgoing.empty()) {
      deliver(client_events, server, Direction::client_to_server, c2s_index);
      deliver(server_events, client, Direction::server_to_client, s2c_index);
    }
  }

  static bool settled(const DtlsTransport& t) {
    return t.state() != DtlsState::idle && t.state() != DtlsState::connecting;
  }

  // Pumps and fires retransmission timers (sleeping for real: OpenSSL reads the clock)
  // until both sides left the handshake or `limit` passed.
  void run(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    for (;;) {
      pump();
      if (settled(client) && settled(server)) return;
      if (std::chrono::steady_clock::now() > end) return;
      auto wait = std::chrono::milliseconds(20);
      for (auto t : {client.next_timeout(), server.next_timeout()}) {
        if (t) wait = std::min(wait, *t);
      }
      std::this_thread::sleep_for(wait);
      client.on_timeout();
      server.on_timeout();
    }
  }

  DtlsContext client_ctx;
  DtlsContext server_ctx;
  RecordingListener client_events;
  RecordingListener server_events;
  DtlsTransport client;
  DtlsTransport server;
  DropRule drop;
  std::size_t c2s_index = 0;
  std::size_t s2c_index = 0;
  std::size_t dropped = 0;

 private:
  void deliver(RecordingListener& from, DtlsTransport& to, Direction dir, std::size_t& index) {
    while (!from.outgoing.empty()) {
      std::vector<std::uint8_t> d = std::move(from.outgoing.front());
      from.outgoing.pop_front();
      if (drop && drop(dir, index++)) {
        ++dropped;
        continue;
      }
      to.receive(d);
    }
  }
};

}  // namespace haven::sfu::dtls_test
