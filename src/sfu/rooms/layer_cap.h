// Which simulcast layers one subscriber gets (docs/SIGNALING.md "Simulcast and layer
// choice"): each video track gets the layer its tile wants (media.layers), capped by a
// per-subscriber ceiling that follows the loss its browser reports in transport-cc
// feedback — the loss-based half of Google Congestion Control
// (draft-ietf-rmcat-gcc-02 §6): above 10 % loss the ceiling steps down one layer, below
// 2 % for a while it steps back up. Stepping the ceiling takes the largest layers down
// first. Pure logic, media thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace haven::sfu::rooms {

enum class LayerWish : std::uint8_t { off, low, medium, high };
std::optional<LayerWish> parse_layer_wish(std::string_view text) noexcept;

class LayerCap {
 public:
  static constexpr std::size_t kTopLayer = 2;  // q, h, f
  static constexpr std::uint8_t kStepDownLoss = 26;  // 10 % in 1/256 units
  static constexpr std::uint8_t kStepUpLoss = 5;     // 2 %
  static constexpr std::int64_t kHoldNs = 2'000'000'000;  // between changes
  static constexpr std::int64_t kStaleNs = 3'000'000'000;  // feedback older: ignore

  // One evaluation (about once a second): the latest smoothed loss and when the feedback
  // it came from arrived (-1: never).
  void update(std::uint8_t loss_fraction, std::int64_t feedback_at_ns, std::int64_t now_ns);
  std::size_t ceiling() const noexcept { return ceiling_; }
  // The layer for a wish under the ceiling; nullopt = pause the track.
  std::optional<std::size_t> layer_for(LayerWish wish) const noexcept;

 private:
  std::size_t ceiling_ = kTopLayer;
  std::int64_t last_change_ns_ = 0;
};

}  // namespace haven::sfu::rooms
