// The ICE agent for one candidate pair (RFC 8445 §7.2): what a browser does toward the
// SFU's ICE-lite server (controlling), for WebRtcClient (tests, haven-loadgen). It can also
// be the controlled side and answer the peer's own checks, for full-ICE servers (Janus,
// which runs full ICE and is controlling when it offers). Pure logic: builds Binding
// requests and responses and checks the responses; the client owns socket and timers.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sfu/ice/ice_credentials.h"
#include "sfu/ice/tuple.h"
#include "sfu/stun/message.h"

namespace haven::sfu {

class IceAgent {
 public:
  enum class Result {
    not_ours,  // not a response to an outstanding request of ours (or not STUN at all)
    success,   // Binding success with valid MESSAGE-INTEGRITY (remote pwd) and FINGERPRINT
    error,     // error response to one of our requests (400/401/487 ...); see last_error()
    invalid,   // claims to answer our request but fails MESSAGE-INTEGRITY: ignored
  };

  // `local`: ours (the right half of USERNAME); `remote`: the server's from its SDP.
  IceAgent(ice::IceCredentials local, ice::IceCredentials remote);

  // A connectivity check (RFC 8445 §7.2.2 + §7.2.4): USERNAME "remoteUfrag:localUfrag",
  // PRIORITY (peer-reflexive, §7.1.1), ICE-CONTROLLING with our tie-breaker, USE-CANDIDATE
  // when `nominate` (aggressive nomination: every check nominates, like a controlling
  // agent that has picked its pair), MESSAGE-INTEGRITY keyed by the remote pwd,
  // FINGERPRINT. Remembers the transaction. nullopt only if the builder refuses
  // (credentials too long).
  std::optional<std::vector<std::uint8_t>> make_request(bool nominate = true);

  // Controlled (RFC 8445 §6.1.1: the answerer when the offerer runs full ICE): requests
  // carry ICE-CONTROLLED and never USE-CANDIDATE, so a full-ICE controlling peer sees no
  // role conflict. Controlling by default.
  void set_controlling(bool controlling) noexcept { controlling_ = controlling; }
  bool controlling() const noexcept { return controlling_; }

  // A full-ICE peer checks us too (RFC 8445 §7.3): for a Binding request with USERNAME
  // "localUfrag:remoteUfrag" and MESSAGE-INTEGRITY keyed by our pwd, the success response
  // (XOR-MAPPED-ADDRESS `from`, MESSAGE-INTEGRITY, FINGERPRINT). nullopt for anything
  // else (not a request, wrong ufrag, bad integrity): it is dropped, not answered.
  std::optional<std::vector<std::uint8_t>> answer_request(std::span<const std::uint8_t> datagram,
                                                          const Tuple& from) const;

  // Matches a received STUN response to an outstanding request and verifies it with the
  // pwd that request used (responses to checks sent before restart() still verify).
  Result handle_response(std::span<const std::uint8_t> datagram);

  // ICE restart (RFC 8445 §9): new credentials on both sides. Outstanding transactions
  // stay valid with their old pwd.
  void restart(ice::IceCredentials local, ice::IceCredentials remote);

  const ice::IceCredentials& local() const noexcept { return local_; }
  const ice::IceCredentials& remote() const noexcept { return remote_; }
  std::uint64_t tie_breaker() const noexcept { return tie_breaker_; }

  std::uint64_t requests_sent() const noexcept { return requests_sent_; }
  std::uint64_t successes() const noexcept { return successes_; }
  std::uint64_t errors() const noexcept { return errors_; }
  std::optional<std::uint16_t> last_error() const noexcept { return last_error_; }
  // XOR-MAPPED-ADDRESS of the last success: our address as the server sees it.
  const std::optional<Tuple>& mapped_address() const noexcept { return mapped_; }
  // Ufrag (remote) of the request the last success answered.
  const std::string& last_success_ufrag() const noexcept { return last_success_ufrag_; }

 private:
  struct Pending {
    stun::TransactionId id{};
    std::string remote_ufrag;
    std::string remote_pwd;
    bool used = false;
  };
  // Checks run every few tens of ms until answered; responses come within one RTT, so a
  // small ring of recent transactions is enough (older answers are simply not_ours).
  static constexpr std::size_t kPending = 16;

  ice::IceCredentials local_;
  ice::IceCredentials remote_;
  std::uint64_t tie_breaker_;
  bool controlling_ = true;
  std::array<Pending, kPending> pending_{};
  std::size_t next_slot_ = 0;
  std::uint64_t requests_sent_ = 0;
  std::uint64_t successes_ = 0;
  std::uint64_t errors_ = 0;
  std::optional<std::uint16_t> last_error_;
  std::optional<Tuple> mapped_;
  std::string last_success_ufrag_;
};

}  // namespace haven::sfu
