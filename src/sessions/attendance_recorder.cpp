#include "sessions/attendance_recorder.h"

#include <boost/asio/post.hpp>
#include <exception>

#include "log/logger.h"

namespace haven {

AttendanceRecorder::AttendanceRecorder(AttendanceRepository& store)
    : store_(store), work_(boost::asio::make_work_guard(ioc_)) {}

AttendanceRecorder::~AttendanceRecorder() {
  stop();
}

void AttendanceRecorder::start() {
  thread_.start(ioc_, "attendance", "attendance.worker_error");
}

void AttendanceRecorder::stop() {
  work_.reset();  // run() returns once the queue is empty
  thread_.join();
}

void AttendanceRecorder::on_call_event(sfu::rooms::CallEvent event) {
  boost::asio::post(ioc_, [this, event = std::move(event)] { write(event); });
}

void AttendanceRecorder::write(const sfu::rooms::CallEvent& event) {
  try {
    if (event.kind == sfu::rooms::CallEvent::Kind::joined) {
      store_.record_join(event.room_id, event.user_id, event.peer_id, event.at);
    } else {
      store_.record_leave(event.room_id, event.peer_id, event.at);
    }
  } catch (const std::exception& e) {
    // A lost row is a gap in a report, never a reason to stop recording the next one.
    log::error("attendance.write_failed", {{"what", e.what()}, {"room", event.room_id}});
  }
}

}  // namespace haven
