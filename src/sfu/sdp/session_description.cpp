// Enum <-> text for the SDP data model (RFC 8866 §6.7 directions, RFC 4145 §4 setup).
#include "sfu/sdp/session_description.h"

namespace haven::sfu::sdp {

bool MediaSection::is_rtp() const {
  return proto.find("RTP/") != std::string::npos;
}

const char* to_string(Direction d) {
  switch (d) {
    case Direction::sendrecv:
      return "sendrecv";
    case Direction::sendonly:
      return "sendonly";
    case Direction::recvonly:
      return "recvonly";
    case Direction::inactive:
      return "inactive";
  }
  return "sendrecv";
}

const char* to_string(Setup s) {
  switch (s) {
    case Setup::actpass:
      return "actpass";
    case Setup::active:
      return "active";
    case Setup::passive:
      return "passive";
    case Setup::holdconn:
      return "holdconn";
  }
  return "actpass";
}

const char* to_string(MediaKind k) {
  switch (k) {
    case MediaKind::audio:
      return "audio";
    case MediaKind::video:
      return "video";
    case MediaKind::application:
      return "application";
    case MediaKind::other:
      return "other";
  }
  return "other";
}

std::optional<Direction> direction_from_string(std::string_view s) {
  if (s == "sendrecv") return Direction::sendrecv;
  if (s == "sendonly") return Direction::sendonly;
  if (s == "recvonly") return Direction::recvonly;
  if (s == "inactive") return Direction::inactive;
  return std::nullopt;
}

std::optional<Setup> setup_from_string(std::string_view s) {
  if (s == "actpass") return Setup::actpass;
  if (s == "active") return Setup::active;
  if (s == "passive") return Setup::passive;
  if (s == "holdconn") return Setup::holdconn;
  return std::nullopt;
}

}  // namespace haven::sfu::sdp
