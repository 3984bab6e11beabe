// Header extension tables; see header_extensions.h.
#include "sfu/negotiation/header_extensions.h"

namespace haven::sfu::negotiation {

namespace {

// The HeaderExtensionIds member for a URI, or nullptr.
std::uint8_t HeaderExtensionIds::*field_for(std::string_view uri) {
  if (uri == sdp::ext::kMid) return &HeaderExtensionIds::mid;
  if (uri == sdp::ext::kRid) return &HeaderExtensionIds::rid;
  if (uri == sdp::ext::kRepairedRid) return &HeaderExtensionIds::repaired_rid;
  if (uri == sdp::ext::kAbsSendTime) return &HeaderExtensionIds::abs_send_time;
  if (uri == sdp::ext::kTransportCc) return &HeaderExtensionIds::transport_cc;
  if (uri == sdp::ext::kAudioLevel) return &HeaderExtensionIds::audio_level;
  if (uri == sdp::ext::kVideoOrientation) return &HeaderExtensionIds::video_orientation;
  return nullptr;
}

}  // namespace

bool is_accepted_extension(std::string_view uri) {
  // Exactly the URIs HeaderExtensionIds can carry: routing reads or rewrites each of them.
  return field_for(uri) != nullptr;
}

bool set_extension_id(HeaderExtensionIds& ids, std::string_view uri, std::uint16_t id) {
  auto field = field_for(uri);
  if (!field) return false;
  if (id >= 1 && id <= 255) ids.*field = static_cast<std::uint8_t>(id);
  return true;
}

HeaderExtensionIds extension_ids(const std::vector<sdp::Extmap>& extmaps) {
  HeaderExtensionIds ids;
  for (const auto& e : extmaps) set_extension_id(ids, e.uri, e.id);
  return ids;
}

std::uint8_t extension_id(const HeaderExtensionIds& ids, std::string_view uri) {
  auto field = field_for(uri);
  return field ? ids.*field : 0;
}

std::vector<sdp::Extmap> recv_extmaps(MediaKind kind) {
  std::vector<sdp::Extmap> out;
  for (const auto& e : kRecvExtensions) {
    if (kind == MediaKind::audio ? !e.audio : !e.video) continue;
    sdp::Extmap x;
    x.id = e.id;
    x.uri = std::string(e.uri);
    out.push_back(std::move(x));
  }
  return out;
}

std::uint8_t recv_extension_id(std::string_view uri) {
  for (const auto& e : kRecvExtensions)
    if (e.uri == uri) return e.id;
  return 0;
}

}  // namespace haven::sfu::negotiation
