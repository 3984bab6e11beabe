#include "sfu/rooms/layer_cap.h"

#include <algorithm>

namespace haven::sfu::rooms {

std::optional<LayerWish> parse_layer_wish(std::string_view text) noexcept {
  if (text == "off") return LayerWish::off;
  if (text == "low") return LayerWish::low;
  if (text == "medium") return LayerWish::medium;
  if (text == "high") return LayerWish::high;
  return std::nullopt;
}

void LayerCap::update(std::uint8_t loss_fraction, std::int64_t feedback_at_ns,
                      std::int64_t now_ns) {
  // No recent feedback says nothing about the path: keep the ceiling where it is.
  if (feedback_at_ns < 0 || now_ns - feedback_at_ns > kStaleNs) return;
  if (now_ns - last_change_ns_ < kHoldNs) return;
  if (loss_fraction > kStepDownLoss && ceiling_ > 0) {
    --ceiling_;
    last_change_ns_ = now_ns;
  } else if (loss_fraction < kStepUpLoss && ceiling_ < kTopLayer) {
    ++ceiling_;
    last_change_ns_ = now_ns;
  }
}

std::optional<std::size_t> LayerCap::layer_for(LayerWish wish) const noexcept {
  if (wish == LayerWish::off) return std::nullopt;
  const auto wanted = static_cast<std::size_t>(wish) - 1;  // low = 0
  return std::min(wanted, ceiling_);
}

}  // namespace haven::sfu::rooms
