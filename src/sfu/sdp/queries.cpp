// Lookups over a parsed description; see queries.h.
#include "sfu/sdp/queries.h"

#include "sfu/sdp/text.h"

namespace haven::sfu::sdp {

const MediaSection* find_media(const SessionDescription& sd, std::string_view mid) {
  for (const auto& m : sd.media)
    if (!m.mid.empty() && m.mid == mid) return &m;
  return nullptr;
}

const Group* bundle_group(const SessionDescription& sd) {
  for (const auto& g : sd.groups)
    if (g.semantics == "BUNDLE") return &g;
  return nullptr;
}

std::optional<std::uint16_t> find_extmap_id(const MediaSection& m, std::string_view uri) {
  for (const auto& e : m.extmaps)
    if (e.uri == uri) return e.id;
  return std::nullopt;
}

std::optional<std::uint16_t> find_extmap_id(const SessionDescription& sd, const MediaSection& m,
                                            std::string_view uri) {
  if (auto id = find_extmap_id(m, uri)) return id;
  for (const auto& e : sd.extmaps)
    if (e.uri == uri) return e.id;
  return std::nullopt;
}

std::string_view ice_ufrag(const SessionDescription& sd, const MediaSection& m) {
  return m.ice_ufrag.empty() ? std::string_view(sd.ice_ufrag) : std::string_view(m.ice_ufrag);
}

std::string_view ice_pwd(const SessionDescription& sd, const MediaSection& m) {
  return m.ice_pwd.empty() ? std::string_view(sd.ice_pwd) : std::string_view(m.ice_pwd);
}

const std::vector<Fingerprint>& fingerprints(const SessionDescription& sd, const MediaSection& m) {
  return m.fingerprints.empty() ? sd.fingerprints : m.fingerprints;
}

std::optional<Setup> setup(const SessionDescription& sd, const MediaSection& m) {
  return m.setup ? m.setup : sd.setup;
}

std::optional<std::vector<std::uint8_t>> fingerprint_bytes(const Fingerprint& fp) {
  const std::string& hex = fp.value;
  if (hex.size() < 2 || (hex.size() + 1) % 3 != 0) return std::nullopt;
  std::vector<std::uint8_t> out;
  out.reserve((hex.size() + 1) / 3);
  for (std::size_t i = 0; i < hex.size(); i += 3) {
    int hi = text::hex_value(hex[i]);
    int lo = text::hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0 || (i + 2 < hex.size() && hex[i + 2] != ':')) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

std::optional<std::string_view> ssrc_attribute(const MediaSection& m, std::uint32_t ssrc,
                                               std::string_view name) {
  for (const auto& s : m.ssrcs) {
    if (s.ssrc != ssrc) continue;
    for (const auto& a : s.attributes)
      if (a.name == name) return a.value ? std::string_view(*a.value) : std::string_view();
  }
  return std::nullopt;
}

std::optional<std::uint32_t> rtx_ssrc(const MediaSection& m, std::uint32_t primary) {
  for (const auto& g : m.ssrc_groups)
    if (g.semantics == "FID" && g.ssrcs.size() >= 2 && g.ssrcs[0] == primary) return g.ssrcs[1];
  return std::nullopt;
}

std::vector<SendStream> send_streams(const MediaSection& m) {
  std::vector<SendStream> out;
  // 1. RID-based simulcast (RFC 8853 §5.1; Chrome and Firefox today).
  if (m.simulcast && !m.simulcast->send.empty()) {
    for (const auto& alternatives : m.simulcast->send) {
      if (alternatives.empty()) continue;
      out.push_back(SendStream{alternatives.front().rid, std::nullopt, std::nullopt,
                               alternatives.front().paused});
    }
    return out;
  }
  bool any_send_rid = false;
  for (const auto& r : m.rids) {
    if (r.direction != RidDirection::send) continue;
    any_send_rid = true;
    out.push_back(SendStream{r.id, std::nullopt, std::nullopt, false});
  }
  if (any_send_rid) return out;
  // 2. SSRC-group simulcast (SIM), each layer with its RTX.
  for (const auto& g : m.ssrc_groups) {
    if (g.semantics != "SIM") continue;
    for (std::uint32_t ssrc : g.ssrcs)
      out.push_back(SendStream{{}, ssrc, rtx_ssrc(m, ssrc), false});
    return out;
  }
  // 3. Plain streams: SSRCs that do not repair another one.
  auto is_repair = [&](std::uint32_t ssrc) {
    for (const auto& g : m.ssrc_groups) {
      if (g.semantics != "FID" && g.semantics != "FEC-FR") continue;
      for (std::size_t i = 1; i < g.ssrcs.size(); ++i)
        if (g.ssrcs[i] == ssrc) return true;
    }
    return false;
  };
  for (const auto& s : m.ssrcs)
    if (!is_repair(s.ssrc)) out.push_back(SendStream{{}, s.ssrc, rtx_ssrc(m, s.ssrc), false});
  return out;
}

}  // namespace haven::sfu::sdp
