// One call message from a client (docs/SIGNALING.md) as the media worker takes it: the
// wire format is checked and turned into this by http/call_message.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sfu/rooms/layer_cap.h"
#include "sfu/rooms/participant.h"
#include "sfu/rooms/room.h"

namespace haven::sfu::rooms {

// One call message from a client (docs/SIGNALING.md), checked on the HTTP side.
struct CallCommand {
  enum class Kind {
    join,
    leave,
    remove,
    publish,
    answer,
    restart_ice,
    mute,
    layers,
    // The waiting room (host only, docs/SESSIONS.md): the caller has authorized these and
    // recorded admissions and the lock in the database.
    admit,
    deny,
    send_back,
    lock,
    lobby_message,
    ask_unmute,  // the host asks one person to unmute; only they can do it
  };
  Kind kind = Kind::join;
  std::string type;                            // the message's type, echoed in errors
  std::optional<std::int64_t> request;         // the message's id, echoed in errors
  std::string room_id;                         // join
  JoinRequest join;                            // join: who (authorized by the caller)
  std::string sdp;                             // publish, answer
  std::map<std::string, TrackSource> sources;  // publish: by mid
  TrackSource source = TrackSource::camera;    // mute, ask_unmute
  bool muted = false;                          // mute
  std::map<std::string, LayerWish> layers;     // layers: by recv mid
  std::string peer_id;                // remove, ask_unmute: whom (authorized by the caller)
  std::vector<std::string> user_ids;  // admit, deny, send_back (one), lobby_message
  bool locked = false;                // lock
  std::string text;                   // lobby_message (relayed, never kept)
};

}  // namespace haven::sfu::rooms
