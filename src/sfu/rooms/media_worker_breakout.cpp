// MediaWorker: private check-ins (docs/SESSIONS.md "Private check-in"). The HTTP side made
// the check-in's room (or ended it) and recorded it; here the pages of both calls are told.
// The people moved and the host learn the check-in's room and move their pages there; the
// others in the session learn only that one is running — never who or where.
#include <algorithm>

#include "sfu/rooms/breakout_message.h"
#include "sfu/rooms/media_worker.h"

namespace haven::sfu::rooms {

void MediaWorker::announce_breakout(const std::string& parent_id, const std::string& breakout_id,
                                    const std::vector<std::string>& moved_user_ids, bool running) {
  boost::asio::post(ioc_, [this, parent_id, breakout_id, moved_user_ids, running] {
    auto moved = [&](const Channel& ch) {
      return ch.join.host || std::find(moved_user_ids.begin(), moved_user_ids.end(),
                                       ch.join.user_id) != moved_user_ids.end();
    };
    for (auto& [id, ch] : channels_) {
      const bool in_parent = ch.room_id == parent_id || ch.waiting_for == parent_id;
      if (in_parent) {
        ch.sink->deliver(
            breakout_message(running, running && moved(ch) ? breakout_id : std::string(), {}));
      } else if (!running && (ch.room_id == breakout_id || ch.waiting_for == breakout_id)) {
        // Over: back to the session, before end_call() closes the check-in's call.
        ch.sink->deliver(breakout_message(false, breakout_id, parent_id));
      }
    }
  });
}

}  // namespace haven::sfu::rooms
