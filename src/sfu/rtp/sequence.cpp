#include "sfu/rtp/sequence.h"

namespace haven::sfu::rtp {

std::int64_t SeqUnwrapper::peek(std::uint16_t seq) const noexcept {
  if (!started_) return seq;
  const std::uint16_t last16 = static_cast<std::uint16_t>(last_ & 0xFFFF);
  return last_ + seq_distance(seq, last16);
}

std::int64_t SeqUnwrapper::unwrap(std::uint16_t seq) noexcept {
  const std::int64_t value = peek(seq);
  if (!started_ || value > last_) last_ = value;
  started_ = true;
  return value;
}

bool ArrivalWindow::first_time(std::int64_t seq) noexcept {
  const auto slot = [](std::int64_t s) { return static_cast<std::uint64_t>(s); };
  if (!started_ || seq - highest_ >= kSize) {
    seen_.clear();
    started_ = true;
    highest_ = seq;
  } else if (seq > highest_) {
    for (std::int64_t s = highest_ + 1; s < seq; ++s) seen_.set(slot(s), false);  // not yet
    highest_ = seq;
  } else if (highest_ - seq >= kSize) {
    return true;  // too old to judge
  } else if (seen_.test(slot(seq))) {
    return false;
  }
  seen_.set(slot(seq), true);
  return true;
}

void SequenceTracker::init(std::uint16_t seq) noexcept {
  base_seq_ = seq;
  max_seq_ = seq;
  bad_seq_ = 0x10001;
  cycles_ = 0;
  received_ = 0;
}

std::int64_t SequenceTracker::expected() const noexcept {
  if (!valid()) return 0;
  return std::int64_t{extended_max()} - std::int64_t{base_seq_} + 1;
}

bool SequenceTracker::update(std::uint16_t seq) noexcept {
  if (!started_) {
    // A.1: the source is created with init_seq(seq), max_seq = seq - 1, probation.
    started_ = true;
    init(seq);
    if (min_sequential_ <= 1) {
      probation_ = 0;
      received_ = 1;
      return true;
    }
    max_seq_ = static_cast<std::uint16_t>(seq - 1);
    probation_ = min_sequential_;
  }
  const std::uint16_t udelta = static_cast<std::uint16_t>(seq - max_seq_);
  if (probation_ > 0) {
    // The 16-bit cast fixes the A.1 listing's int promotion (65535 + 1 != 0).
    if (seq == static_cast<std::uint16_t>(max_seq_ + 1)) {
      --probation_;
      max_seq_ = seq;
      if (probation_ == 0) {
        init(seq);
        ++received_;
        return true;
      }
    } else {
      probation_ = min_sequential_ - 1;
      max_seq_ = seq;
    }
    return false;
  }
  if (udelta < kMaxDropout) {
    if (seq < max_seq_) cycles_ += 0x10000;  // in order, with permissible gap: wrapped
    max_seq_ = seq;
  } else if (udelta <= 0x10000 - kMaxMisorder) {
    // A very large jump: resync only when the next packet confirms it (source restart).
    if (seq == bad_seq_) {
      init(seq);
    } else {
      bad_seq_ = (std::uint32_t{seq} + 1) & 0xFFFF;
      return false;
    }
  }
  // else: duplicate or reordered packet, counted as received.
  ++received_;
  return true;
}

}  // namespace haven::sfu::rtp
