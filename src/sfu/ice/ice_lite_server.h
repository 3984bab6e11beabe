// The ICE-lite side of one WebRTC transport (RFC 8445 §2.5, §7.3): answers Chrome's
// connectivity checks, tracks which remote tuples proved knowledge of our ice-pwd, follows
// Chrome's nomination, and expires consent (RFC 7675). Pure logic — no sockets, no timers:
// the caller feeds datagrams and the current time, and sends what comes back.
// Behaviour follows mediasoup's IceServer (see shared/notes/sfu-interop.md §1).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sfu/ice/ice_credentials.h"
#include "sfu/ice/tuple.h"

namespace haven::sfu::ice {

enum class IceState {
  new_,          // no tuple nominated yet
  connected,     // a nominated tuple is selected and consent is fresh
  disconnected,  // consent expired; a new nomination reconnects
};

const char* to_string(IceState state) noexcept;

// Tunables of IceLiteServer (outside the class so it can be a default argument).
struct IceLiteOptions {
  // RFC 7675 §5.1: consent lapses 30 s after the last valid check (mediasoup allows
  // 10–60 s).
  std::chrono::steady_clock::duration consent_timeout = std::chrono::seconds(30);
  // mediasoup's MayForceSelectedTuple: DTLS/RTP from another authenticated tuple while
  // connected moves the selection there.
  bool select_on_media = true;
  // Authenticated tuples remembered at once (least recently checked evicted first).
  std::size_t max_tuples = 8;
};

class IceLiteServer {
 public:
  using Clock = std::chrono::steady_clock;
  using Options = IceLiteOptions;

  // Called synchronously from handle_binding_request / accept_packet_from / tick, after
  // the server's own state is updated. A listener may call back into the server but must
  // not destroy it.
  class Listener {
   public:
    virtual ~Listener() = default;
    // The tuple media must now be sent to (first nomination, renomination, or media
    // arriving on another authenticated tuple).
    virtual void on_selected_tuple(const Tuple& tuple) = 0;
    virtual void on_connected() = 0;
    virtual void on_disconnected() = 0;
  };

  // Random local credentials.
  explicit IceLiteServer(Listener& listener, Options options = {});
  // Given local credentials (tests, or chosen elsewhere); throws std::invalid_argument
  // if they are not RFC 8839 syntax.
  IceLiteServer(Listener& listener, IceCredentials local, Options options = {});

  IceLiteServer(const IceLiteServer&) = delete;
  IceLiteServer& operator=(const IceLiteServer&) = delete;

  const IceCredentials& local_credentials() const noexcept { return local_; }
  const std::string& local_ufrag() const noexcept { return local_.ufrag; }
  const std::string& local_pwd() const noexcept { return local_.pwd; }

  // From the remote SDP; informational (validation needs only the local credentials).
  const std::optional<std::string>& remote_ufrag() const noexcept { return remote_ufrag_; }
  void set_remote_ufrag(std::string ufrag) { remote_ufrag_ = std::move(ufrag); }

  // Handles one STUN datagram received from `from`. Returns the datagram to send back to
  // `from`: a Binding success response (XOR-MAPPED-ADDRESS = from, MESSAGE-INTEGRITY with
  // the matching local pwd, FINGERPRINT) or an error response with FINGERPRINT only —
  // 400 (malformed: not Binding, no FINGERPRINT/PRIORITY/USERNAME/MESSAGE-INTEGRITY, no
  // role attribute), 401 (unknown ufrag, bad MESSAGE-INTEGRITY), 420 (unknown
  // comprehension-required attributes), 487 (ICE-CONTROLLED: both sides controlled).
  // nullopt: drop silently (not STUN, bad FINGERPRINT, not a request).
  std::optional<std::vector<std::uint8_t>> handle_binding_request(
      std::span<const std::uint8_t> bytes, const Tuple& from, Clock::time_point now);

  // Expires consent and stale tuples; call periodically (next_deadline() says when).
  void tick(Clock::time_point now);

  // When tick() next has something to do, if anything.
  std::optional<Clock::time_point> next_deadline() const;

  // ICE restart: new local credentials. The previous ones keep working until the first
  // valid request with the new ones (mediasoup IceServer::RestartIce). State, tuples and
  // selection survive; DTLS/SRTP are not affected.
  void restart();
  void restart(IceCredentials fresh);  // given credentials (tests); throws like the ctor

  IceState state() const noexcept { return state_; }
  const std::optional<Tuple>& selected_tuple() const noexcept { return selected_; }
  bool is_authenticated(const Tuple& tuple) const noexcept;

  // Gate for non-STUN packets (DTLS, SRTP, SRTCP): true if `from` is authenticated. When
  // connected and IceLiteOptions::select_on_media, an authenticated tuple other than the
  // selected one becomes selected (listener notified).
  bool accept_packet_from(const Tuple& from);

  // The local ufrag (part of USERNAME before ':') of a Binding request, so the UDP demuxer
  // can route the first packet of an unknown 5-tuple to its transport. nullopt if the
  // datagram is not a well-formed Binding request with such a USERNAME. Does no
  // authentication: the transport's handle_binding_request does that.
  static std::optional<std::string> parse_username_ufrag(std::span<const std::uint8_t> bytes);

 private:
  struct Entry {
    Tuple tuple;
    Clock::time_point last_valid;
  };

  void authenticate(const Tuple& tuple, Clock::time_point now);
  Entry* find(const Tuple& tuple) noexcept;
  const Entry* find(const Tuple& tuple) const noexcept;
  // Makes `tuple` the selected one; returns true if that changed anything.
  bool select(const Tuple& tuple);

  Listener& listener_;
  Options options_;
  IceCredentials local_;
  // Credentials from before restart(), still accepted until the new ones are used (at
  // most two, in case of restarts in quick succession).
  std::vector<IceCredentials> previous_;
  std::optional<std::string> remote_ufrag_;
  std::vector<Entry> tuples_;
  std::optional<Tuple> selected_;
  IceState state_ = IceState::new_;
  std::uint32_t remote_nomination_ = 0;  // highest NOMINATION seen (renomination)
};

}  // namespace haven::sfu::ice
