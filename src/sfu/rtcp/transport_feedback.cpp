#include "sfu/rtcp/transport_feedback.h"

#include <algorithm>

#include "sfu/rtcp/byte_writer.h"
#include "sfu/rtp/byte_order.h"

namespace haven::sfu::rtcp {
namespace {

constexpr std::uint8_t kNotReceived = 0;
constexpr std::uint8_t kSmallDelta = 1;
constexpr std::uint8_t kLargeDelta = 2;
constexpr std::uint8_t kReserved = 3;
constexpr std::size_t kFixedBody = 16;  // two SSRCs, base seq, count, reference, fb count
constexpr std::size_t kMaxRunLength = 0x1FFF;

std::uint8_t symbol_for(std::int16_t delta) noexcept {
  return (delta >= 0 && delta <= 255) ? kSmallDelta : kLargeDelta;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Walks the packet chunks of `body`, calling fn(first offset, symbol, count) for each run
// of equal statuses (a run-length chunk in one call, so a claimed 8191-packet gap costs
// O(1)) until `status_count` statuses are covered. Returns the offset just past the last
// chunk, or 0 on a truncated chunk list or a reserved symbol inside the status count.
template <typename Fn>
std::size_t walk_chunks(std::span<const std::uint8_t> body, std::size_t status_count,
                        Fn&& fn) noexcept {
  std::size_t pos = kFixedBody;
  std::size_t done = 0;
  while (done < status_count) {
    if (pos + 2 > body.size()) return 0;
    const std::uint16_t chunk = load_be16(&body[pos]);
    pos += 2;
    if ((chunk & 0x8000) == 0) {  // run length: 0 | S:2 | run:13
      const std::uint8_t symbol = (chunk >> 13) & 0x03;
      std::size_t run = chunk & 0x1FFF;
      if (run > status_count - done) run = status_count - done;
      if (run == 0) continue;
      if (symbol == kReserved) return 0;
      fn(done, symbol, run);
      done += run;
    } else if ((chunk & 0x4000) == 0) {  // status vector, 14 one-bit symbols
      for (int i = 0; i < 14 && done < status_count; ++i) {
        fn(done++, static_cast<std::uint8_t>((chunk >> (13 - i)) & 0x01), std::size_t{1});
      }
    } else {  // status vector, 7 two-bit symbols
      for (int i = 0; i < 7 && done < status_count; ++i) {
        const std::uint8_t symbol = (chunk >> (12 - 2 * i)) & 0x03;
        if (symbol == kReserved) return 0;
        fn(done++, symbol, std::size_t{1});
      }
    }
  }
  return pos;
}

}  // namespace

namespace detail {

bool TwccChunkEncoder::can_add(std::uint8_t symbol) const noexcept {
  if (size_ < 7) return true;  // a two-bit vector holds any 7 symbols
  if (size_ < 14 && !has_large_ && symbol != kLargeDelta) return true;  // one-bit vector
  return size_ < kMaxRunLength && all_same_ && symbol == symbols_[0];   // run length
}

void TwccChunkEncoder::push(std::uint8_t symbol) noexcept {
  if (size_ < symbols_.size()) symbols_[size_] = symbol;
  all_same_ = all_same_ && (size_ == 0 || symbol == symbols_[0]);
  has_large_ = has_large_ || symbol == kLargeDelta;
  ++size_;
}

void TwccChunkEncoder::put(std::uint16_t chunk, std::vector<std::uint16_t>* out) {
  ++emitted_;
  if (out) out->push_back(chunk);
}

void TwccChunkEncoder::emit(std::vector<std::uint16_t>* out) {
  if (all_same_) {
    put(static_cast<std::uint16_t>((symbols_[0] << 13) | size_), out);
    size_ = 0;
  } else if (size_ == 14) {  // no large delta, or the one-bit vector would not have grown
    std::uint16_t chunk = 0x8000;
    for (int i = 0; i < 14; ++i) chunk |= static_cast<std::uint16_t>(symbols_[i] << (13 - i));
    put(chunk, out);
    size_ = 0;
  } else {  // 7..13 mixed symbols and a large delta: two-bit vector of the first 7
    std::uint16_t chunk = 0xC000;
    for (int i = 0; i < 7; ++i) chunk |= static_cast<std::uint16_t>(symbols_[i] << (12 - 2 * i));
    put(chunk, out);
    const std::size_t rest = size_ - 7;
    std::array<std::uint8_t, 14> kept = symbols_;
    size_ = 0;
    all_same_ = true;
    has_large_ = false;
    for (std::size_t i = 0; i < rest; ++i) push(kept[7 + i]);
    return;
  }
  all_same_ = true;
  has_large_ = false;
}

void TwccChunkEncoder::add(std::uint8_t symbol, std::vector<std::uint16_t>* out) {
  if (!can_add(symbol)) emit(out);
  push(symbol);
}

void TwccChunkEncoder::add_run(std::uint8_t symbol, std::size_t count,
                               std::vector<std::uint16_t>* out) {
  while (count > 0) {
    if (all_same_ && (size_ == 0 || symbols_[0] == symbol) && size_ < kMaxRunLength) {
      // Identical symbols only ever extend an all-same pending run (see can_add), so
      // take as many as the run-length chunk holds in one step.
      const std::size_t take = std::min(count, kMaxRunLength - size_);
      for (std::size_t i = size_; i < symbols_.size() && i < size_ + take; ++i) {
        symbols_[i] = symbol;
      }
      size_ += take;
      has_large_ = has_large_ || symbol == kLargeDelta;
      count -= take;
    } else {
      add(symbol, out);
      --count;
    }
  }
}

void TwccChunkEncoder::finish(std::vector<std::uint16_t>* out) {
  if (size_ == 0) return;
  if (all_same_) {
    put(static_cast<std::uint16_t>((symbols_[0] << 13) | size_), out);
  } else if (size_ <= 7) {
    std::uint16_t chunk = 0xC000;
    for (std::size_t i = 0; i < size_; ++i) {
      chunk |= static_cast<std::uint16_t>(symbols_[i] << (12 - 2 * i));
    }
    put(chunk, out);
  } else {  // more than 7 mixed symbols only happen without large deltas
    std::uint16_t chunk = 0x8000;
    for (std::size_t i = 0; i < size_; ++i) {
      chunk |= static_cast<std::uint16_t>(symbols_[i] << (13 - i));
    }
    put(chunk, out);
  }
  size_ = 0;
  all_same_ = true;
  has_large_ = false;
}

}  // namespace detail

std::optional<TransportFeedback> parse_transport_feedback(
    std::span<const std::uint8_t> body) noexcept {
  if (body.size() < kFixedBody) return std::nullopt;
  TransportFeedback fb;
  fb.sender_ssrc = load_be32(&body[0]);
  fb.media_ssrc = load_be32(&body[4]);
  fb.base_seq = load_be16(&body[8]);
  fb.status_count = load_be16(&body[10]);
  fb.reference_time = load_be24(&body[12]);
  fb.fb_pkt_count = body[15];
  if (fb.status_count == 0) return std::nullopt;  // libwebrtc rejects empty feedback too

  // Pass 1: validate chunks and find how many delta bytes follow them.
  std::size_t delta_bytes = 0;
  std::size_t received = 0;
  const std::size_t deltas_at =
      walk_chunks(body, fb.status_count, [&](std::size_t, std::uint8_t symbol, std::size_t count) {
        delta_bytes += symbol * count;  // small = 1 byte, large = 2 bytes, lost = 0
        if (symbol != kNotReceived) received += count;
      });
  if (deltas_at == 0 || deltas_at + delta_bytes > body.size()) return std::nullopt;

  // Pass 2: pair each received status with its delta. Bounded by the bytes present.
  fb.received.reserve(received);
  std::size_t pos = deltas_at;
  walk_chunks(body, fb.status_count,
              [&](std::size_t first, std::uint8_t symbol, std::size_t count) {
                if (symbol == kNotReceived) return;
                for (std::size_t offset = first; offset < first + count; ++offset) {
                  std::int16_t delta = 0;
                  if (symbol == kSmallDelta) {
                    delta = body[pos];
                    pos += 1;
                  } else {
                    delta = static_cast<std::int16_t>(load_be16(&body[pos]));
                    pos += 2;
                  }
                  fb.received.push_back({static_cast<std::uint16_t>(fb.base_seq + offset), delta});
                }
              });
  return fb;
}

bool serialize_transport_feedback(const TransportFeedback& fb, std::vector<std::uint8_t>& out) {
  if (fb.status_count == 0 || fb.reference_time > 0xFFFFFF) return false;
  std::size_t next_offset = 0;
  for (const auto& r : fb.received) {
    const std::size_t offset = static_cast<std::uint16_t>(r.seq - fb.base_seq);
    if (offset < next_offset || offset >= fb.status_count) return false;
    next_offset = offset + 1;
  }
  // Gaps go in as runs, so the cost follows the received packets, not status_count.
  std::vector<std::uint16_t> chunks;
  detail::TwccChunkEncoder encoder;
  std::size_t next = 0;
  for (const auto& r : fb.received) {
    const std::size_t offset = static_cast<std::uint16_t>(r.seq - fb.base_seq);
    encoder.add_run(kNotReceived, offset - next, &chunks);
    encoder.add(symbol_for(r.delta), &chunks);
    next = offset + 1;
  }
  encoder.add_run(kNotReceived, fb.status_count - next, &chunks);
  encoder.finish(&chunks);

  ByteWriter w(out);
  const std::size_t origin = w.size();
  w.u32(fb.sender_ssrc);
  w.u32(fb.media_ssrc);
  w.u16(fb.base_seq);
  w.u16(fb.status_count);
  w.u24(fb.reference_time);
  w.u8(fb.fb_pkt_count);
  for (std::uint16_t chunk : chunks) w.u16(chunk);
  for (const auto& r : fb.received) {
    if (symbol_for(r.delta) == kSmallDelta) {
      w.u8(static_cast<std::uint8_t>(r.delta));
    } else {
      w.u16(static_cast<std::uint16_t>(r.delta));
    }
  }
  w.pad32(origin);
  return true;
}

std::vector<TwccArrival> twcc_arrivals(const TransportFeedback& fb) {
  std::vector<TwccArrival> arrivals;
  arrivals.reserve(fb.received.size());
  std::int64_t at = static_cast<std::int64_t>(fb.reference_time) * kTwccReferenceUs;
  for (const auto& r : fb.received) {
    at += r.delta * kTwccDeltaUs;
    arrivals.push_back({r.seq, at});
  }
  return arrivals;
}

TransportFeedbackBuilder::TransportFeedbackBuilder(std::uint32_t sender_ssrc,
                                                   std::uint32_t media_ssrc,
                                                   std::uint8_t fb_pkt_count) noexcept {
  fb_.sender_ssrc = sender_ssrc;
  fb_.media_ssrc = media_ssrc;
  fb_.fb_pkt_count = fb_pkt_count;
}

bool TransportFeedbackBuilder::add(std::int64_t seq, std::int64_t arrival_us) {
  const std::int64_t ticks = floor_div(arrival_us, kTwccDeltaUs);
  if (empty()) {
    // Start where the previous feedback stopped, so packets lost across the boundary are
    // reported as not received instead of silently skipped.
    std::int64_t base = seq;
    if (next_base_ && *next_base_ < seq && seq - *next_base_ < 0x8000) base = *next_base_;
    const std::int64_t reference = floor_div(arrival_us, kTwccReferenceUs);
    fb_.base_seq = static_cast<std::uint16_t>(base);
    fb_.reference_time = static_cast<std::uint32_t>(reference) & 0xFFFFFF;
    base_seq_ = base;
    last_seq_ = base - 1;
    last_ticks_ = reference * (kTwccReferenceUs / kTwccDeltaUs);  // first delta: 0..255
    chunks_ = {};
    delta_bytes_ = 0;
  }
  if (seq <= last_seq_ || seq - base_seq_ + 1 > 0xFFFF) return false;
  const std::int64_t delta = ticks - last_ticks_;
  if (delta < INT16_MIN || delta > INT16_MAX) return false;
  const auto delta16 = static_cast<std::int16_t>(delta);
  detail::TwccChunkEncoder trial = chunks_;
  trial.add_run(kNotReceived, static_cast<std::size_t>(seq - last_seq_ - 1), nullptr);
  trial.add(symbol_for(delta16), nullptr);
  const std::size_t bytes = delta_bytes_ + symbol_for(delta16);
  if (kFixedBody + 2 * trial.chunk_count() + bytes > kMaxBodyBytes) return false;
  chunks_ = trial;
  delta_bytes_ = bytes;
  last_seq_ = seq;
  last_ticks_ = ticks;
  fb_.status_count = static_cast<std::uint16_t>(seq - base_seq_ + 1);
  fb_.received.push_back({static_cast<std::uint16_t>(seq), delta16});
  return true;
}

TransportFeedback TransportFeedbackBuilder::take() {
  TransportFeedback done = std::move(fb_);
  fb_ = TransportFeedback{};
  fb_.sender_ssrc = done.sender_ssrc;
  fb_.media_ssrc = done.media_ssrc;
  fb_.fb_pkt_count = static_cast<std::uint8_t>(done.fb_pkt_count + 1);
  if (!done.received.empty()) next_base_ = last_seq_ + 1;
  chunks_ = {};
  delta_bytes_ = 0;
  return done;
}

}  // namespace haven::sfu::rtcp
