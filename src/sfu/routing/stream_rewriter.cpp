#include "sfu/routing/stream_rewriter.h"

namespace haven::sfu::routing {

void SeqTsRewriter::start_segment(std::int64_t in_seq, std::uint32_t in_ts,
                                  std::optional<std::uint32_t> out_ts) noexcept {
  const std::int64_t out_first = has_output_ ? max_out_ + 1 : first_seq_;
  offset_ = out_first - in_seq;
  floor_ = in_seq;
  max_in_ = in_seq - 1;
  if (out_ts) {
    ts_offset_ = *out_ts - in_ts;
  } else if (!has_output_) {
    ts_offset_ = first_ts_ - in_ts;
  }
  in_segment_ = true;
}

std::optional<SeqTsRewriter::Output> SeqTsRewriter::map(std::int64_t in_seq,
                                                        std::uint32_t in_ts) noexcept {
  if (!in_segment_) return std::nullopt;
  if (in_seq - max_in_ > kMaxJump || floor_ - in_seq > kMaxJump) {
    // The publisher restarted its sequence: continue from where the output is.
    offset_ = (has_output_ ? max_out_ + 1 : first_seq_) - in_seq;
    floor_ = in_seq;
    max_in_ = in_seq - 1;
  }
  if (in_seq < floor_) return std::nullopt;
  if (in_seq > max_in_) max_in_ = in_seq;
  Output out;
  const std::int64_t out_seq = in_seq + offset_;
  out.seq = static_cast<std::uint16_t>(out_seq);
  out.ts = in_ts + ts_offset_;
  if (!has_output_ || out_seq > max_out_) {
    has_output_ = true;
    max_out_ = out_seq;
    last_ts_ = out.ts;
    out.newest = true;
  }
  return out;
}

void SeqTsRewriter::skip(std::int64_t in_seq) noexcept {
  if (!in_segment_ || in_seq != max_in_ + 1) return;
  max_in_ = in_seq;
  --offset_;
  floor_ = in_seq + 1;  // an older packet arriving now would reuse an output number
}

void Vp8PictureRewriter::start_segment(const rtp::Vp8Descriptor& first) noexcept {
  if (!has_last_) return;  // first segment: values pass through unchanged
  if (first.has_picture_id) {
    picture_id_offset_ =
        static_cast<std::uint16_t>((last_picture_id_ + 1 - first.picture_id) & 0x7FFF);
  }
  if (first.has_tl0_pic_idx) {
    tl0_offset_ = static_cast<std::uint8_t>(last_tl0_ + 1 - first.tl0_pic_idx);
  }
}

void Vp8PictureRewriter::rewrite(std::span<std::uint8_t> payload,
                                 const rtp::Vp8Descriptor& descriptor, bool newest) noexcept {
  if (descriptor.has_picture_id) {
    const std::uint16_t mask = descriptor.picture_id_15bit ? 0x7FFF : 0x7F;
    const auto out =
        static_cast<std::uint16_t>((descriptor.picture_id + picture_id_offset_) & mask);
    if (out != descriptor.picture_id) rtp::set_vp8_picture_id(payload, descriptor, out);
    if (newest) {
      last_picture_id_ = out;
      has_last_ = true;
    }
  }
  if (descriptor.has_tl0_pic_idx) {
    const auto out = static_cast<std::uint8_t>(descriptor.tl0_pic_idx + tl0_offset_);
    if (out != descriptor.tl0_pic_idx) rtp::set_vp8_tl0_pic_idx(payload, descriptor, out);
    if (newest) {
      last_tl0_ = out;
      has_last_ = true;
    }
  }
}

}  // namespace haven::sfu::routing
