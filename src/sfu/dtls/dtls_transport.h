// DTLS-SRTP for one peer (RFC 5764, RFC 8827 §6.5): drives an OpenSSL DTLS 1.2 handshake
// over memory BIOs — the SFU owns the UDP socket and ICE; this class only sees the DTLS
// datagrams the demuxer routes to it (first byte 20..63, RFC 7983 §7) and hands back the
// datagrams to send and, once the peer certificate matches the SDP fingerprint, the SRTP
// master keys.
//
// Single-threaded: call everything from the thread (strand) that owns the peer. Listener
// callbacks run after OpenSSL has returned, so a listener may call receive() on the peer
// transport, but must not destroy this transport from inside a callback.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/openssl_handles.h"
#include "sfu/dtls/dtls_context.h"
#include "sfu/dtls/fingerprint.h"
#include "sfu/srtp/srtp_profile.h"

namespace haven::sfu {

// RFC 5763 §5: the `a=setup:active` side is the DTLS client, `passive` the server.
enum class DtlsRole { client, server };

enum class DtlsState {
  idle,                  // client before start(); server before the first datagram
  connecting,            // handshake in progress
  awaiting_fingerprint,  // handshake done, SDP fingerprint not known yet: keys withheld
  connected,             // fingerprint verified, keys handed out (terminal for media)
  failed,                // terminal
  closed,                // terminal: close_notify sent or received
};

const char* to_string(DtlsState state) noexcept;

class DtlsTransport {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // One complete DTLS datagram (<= Options::mtu) to send to the peer's selected tuple.
    virtual void send_datagram(std::span<const std::uint8_t> datagram) = 0;
    // Exactly once, after the handshake and the fingerprint check.
    virtual void on_connected(const SrtpKeys& keys) = 0;
    // At most once; the transport is dead afterwards. No keys were or will be handed out
    // if this happens before on_connected.
    virtual void on_failed(std::string_view reason) = 0;
    // The peer sent close_notify.
    virtual void on_closed() = 0;
  };

  struct Options {
    // Largest datagram we emit (UDP payload). 1200 keeps DTLS+IP+UDP+TURN framing under
    // the 1280-byte IPv6 minimum MTU (JG uses 1200; MS 1350). OpenSSL minimum: 256.
    std::size_t mtu = 1200;
    // First retransmission timeout, doubled per retransmission up to max_retransmit (MS:
    // 100 ms to 4 s). RFC 6347 §4.2.4.1 suggests 1 s, but WebRTC wants fast set-up on loss.
    std::chrono::milliseconds initial_retransmit{100};
    std::chrono::milliseconds max_retransmit{4000};
    // Give up when the handshake has not completed this long after it started (MS, LDC).
    std::chrono::milliseconds handshake_timeout{30000};
  };

  struct Stats {
    std::uint64_t datagrams_received = 0;
    std::uint64_t datagrams_sent = 0;
    std::uint64_t datagrams_ignored = 0;            // not DTLS, oversized, or in a terminal state
    std::uint64_t application_records_ignored = 0;  // no data channels (yet)
    std::uint64_t errors = 0;  // exceptions caught at the boundary, BIO failures
    std::size_t largest_datagram_sent = 0;
  };

  // Throws std::runtime_error if OpenSSL cannot create the SSL object or rejects the MTU.
  DtlsTransport(const DtlsContext& context, DtlsRole role, Listener& listener)
      : DtlsTransport(context, role, listener, Options{}) {}
  DtlsTransport(const DtlsContext& context, DtlsRole role, Listener& listener, Options options);
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;
  ~DtlsTransport();

  // Client: sends the ClientHello (call once ICE is connected, toward the selected tuple).
  // Server: only starts the handshake clock; it otherwise waits for the ClientHello.
  void start() noexcept;

  // One received UDP payload. Never throws; problems are counted in stats() or end in
  // on_failed(). Every fragment of a handshake message must reach this same object (no
  // DTLSv1_listen: Chrome's ClientHello can span two datagrams, openssl#25380).
  void receive(std::span<const std::uint8_t> datagram) noexcept;

  // The peer's `a=fingerprint` value. May come before or after the handshake; keys are
  // released only once it matches the peer certificate. A value that does not match the
  // peer certificate fails the transport. Returns false (and changes nothing) if
  // `sdp_value` does not parse.
  bool set_remote_fingerprint(std::string_view sdp_value) noexcept;
  void set_remote_fingerprint(const Fingerprint& fingerprint) noexcept;

  // When on_timeout() must be called next (relative to now); nullopt when no timer runs
  // (idle, or handshake over). Re-query after every receive()/on_timeout().
  std::optional<std::chrono::milliseconds> next_timeout() const noexcept;
  // Retransmits the current flight if its timer expired (DTLSv1_handle_timeout); fails the
  // transport past handshake_timeout or when OpenSSL gives up. Harmless if called early.
  void on_timeout() noexcept;

  // Sends close_notify and stops; no on_closed() for a local close.
  void close() noexcept;

  DtlsRole role() const noexcept { return role_; }
  DtlsState state() const noexcept { return state_; }
  const std::string& failure_reason() const noexcept { return failure_reason_; }
  const Stats& stats() const noexcept { return stats_; }
  // Negotiated profile, once the handshake is done.
  std::optional<SrtpProfile> srtp_profile() const noexcept { return profile_; }

 private:
  static long bio_callback(BIO* bio, int oper, const char* argp, std::size_t len, int argi,
                           long argl, int ret, std::size_t* processed);
  static unsigned int timer_callback(SSL* ssl, unsigned int previous_us);

  void begin_handshake_clock();
  void advance_handshake();
  void read_records();
  void on_handshake_done();
  void try_release_keys();
  std::optional<SrtpKeys> export_keys();
  void fail(std::string reason);
  void capture_written(BIO* bio) noexcept;

  // What the listener gets, queued while OpenSSL runs (see deliver()).
  struct Output {
    enum class Kind { datagram, connected, failed, closed };
    Kind kind = Kind::datagram;
    std::vector<std::uint8_t> datagram;
    std::optional<SrtpKeys> keys;
  };
  void emit(Output::Kind kind, std::optional<SrtpKeys> keys = std::nullopt);
  void deliver();
  std::string ssl_error_text(const char* what, int ssl_error);

  DtlsRole role_;
  Listener& listener_;
  Options options_;
  DtlsState state_ = DtlsState::idle;
  std::string failure_reason_;
  Stats stats_;
  std::optional<Fingerprint> remote_fingerprint_;
  std::optional<SrtpProfile> profile_;
  std::optional<std::chrono::steady_clock::time_point> handshake_started_;
  std::deque<Output> outbox_;
  bool delivering_ = false;
  ossl::X509Ptr peer_certificate_;
  BIO* rbio_ = nullptr;  // owned by ssl_
  BIO* wbio_ = nullptr;  // owned by ssl_
  ossl::Ssl ssl_;        // last: freed first, while the members its callbacks touch live
};

}  // namespace haven::sfu
