// Active-speaker detection from the RFC 6464 audio level each publisher's audio carries,
// without decoding (the payload is end-to-end encrypted anyway).
//
// Per audio producer an AudioLevelMeter smooths the per-packet level (an exponential
// average over roughly the last 8 packets, ~160 ms of Opus at 20 ms frames) and treats a
// producer that stopped sending (muted, DTX without comfort packets) as silent. The
// ActiveSpeakerSelector then picks the loudest peer, with hysteresis: a newcomer must be
// above the speech threshold and louder than the current speaker by a margin, and the
// speaker changes at most once per min_interval, so the UI does not flicker between two
// people talking over each other.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "sfu/routing/peer_sink.h"
#include "sfu/rtp/audio_level.h"

namespace haven::sfu::routing {

class AudioLevelMeter {
 public:
  // Without a packet for this long the producer counts as silent.
  static constexpr std::int64_t kStaleNs = 500'000'000;

  void on_level(rtp::AudioLevel level, std::int64_t now_ns) noexcept;
  // Smoothed loudness, 0 (silence, 127 dBov) .. 127 (0 dBov): 127 - the level in -dBov.
  int loudness(std::int64_t now_ns) const noexcept;

 private:
  int smoothed_q8_ = 0;  // loudness x 256
  bool any_ = false;
  std::int64_t last_ns_ = 0;
};

class ActiveSpeakerSelector {
 public:
  struct Config {
    int min_loudness = 57;  // smoothed level at or above -70 dBov counts as speech
    int margin = 6;         // dB a newcomer must exceed the current speaker by
    std::int64_t min_interval_ns = 500'000'000;
  };
  struct Candidate {
    PeerId peer = 0;
    int loudness = 0;
  };

  ActiveSpeakerSelector() noexcept = default;
  explicit ActiveSpeakerSelector(Config config) noexcept : config_(config) {}

  // Evaluates the candidates (several per peer allowed: the loudest counts). Returns the
  // new active speaker when it changes, nullopt otherwise. Silence never clears the
  // current speaker: the last one who spoke stays on screen.
  std::optional<PeerId> update(std::span<const Candidate> candidates, std::int64_t now_ns) noexcept;
  // The peer left: it stops being the speaker (no event; the next speech picks someone).
  void forget(PeerId peer) noexcept;
  std::optional<PeerId> current() const noexcept { return current_; }

 private:
  Config config_;
  std::optional<PeerId> current_;
  bool switched_once_ = false;
  std::int64_t last_switch_ns_ = 0;
};

}  // namespace haven::sfu::routing
