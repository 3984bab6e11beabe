#include "sfu/routing/active_speaker.h"

namespace haven::sfu::routing {

void AudioLevelMeter::on_level(rtp::AudioLevel level, std::int64_t now_ns) noexcept {
  const int sample = (127 - (level.level > 127 ? 127 : level.level)) * 256;
  if (!any_ || now_ns - last_ns_ > kStaleNs) {
    smoothed_q8_ = sample;  // after silence, start from the first packet
  } else {
    smoothed_q8_ += (sample - smoothed_q8_) / 8;
  }
  any_ = true;
  last_ns_ = now_ns;
}

int AudioLevelMeter::loudness(std::int64_t now_ns) const noexcept {
  if (!any_ || now_ns - last_ns_ > kStaleNs) return 0;
  return (smoothed_q8_ + 128) / 256;
}

std::optional<PeerId> ActiveSpeakerSelector::update(std::span<const Candidate> candidates,
                                                    std::int64_t now_ns) noexcept {
  const Candidate* loudest = nullptr;
  int current_loudness = 0;
  for (const auto& c : candidates) {
    if (loudest == nullptr || c.loudness > loudest->loudness) loudest = &c;
    if (current_ && c.peer == *current_ && c.loudness > current_loudness) {
      current_loudness = c.loudness;
    }
  }
  if (loudest == nullptr || loudest->loudness < config_.min_loudness) return std::nullopt;
  if (current_ && loudest->peer == *current_) return std::nullopt;
  if (current_ && loudest->loudness < current_loudness + config_.margin) return std::nullopt;
  if (switched_once_ && now_ns - last_switch_ns_ < config_.min_interval_ns) return std::nullopt;
  current_ = loudest->peer;
  switched_once_ = true;
  last_switch_ns_ = now_ns;
  return current_;
}

void ActiveSpeakerSelector::forget(PeerId peer) noexcept {
  if (current_ && *current_ == peer) current_.reset();
}

}  // namespace haven::sfu::routing
