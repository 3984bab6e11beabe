// Writes attendance (docs/SESSIONS.md) from the media worker's join and leave events. The
// media thread must never wait on the database, so each event is posted to this recorder's
// own thread, which writes it; events keep their order.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>

#include "sfu/rooms/call_events.h"
#include "store/attendance_repository.h"
#include "util/io_thread.h"

namespace haven {

class AttendanceRecorder final : public sfu::rooms::CallEventListener {
 public:
  explicit AttendanceRecorder(AttendanceRepository& store);
  ~AttendanceRecorder() override;  // stop()
  AttendanceRecorder(const AttendanceRecorder&) = delete;
  AttendanceRecorder& operator=(const AttendanceRecorder&) = delete;

  void start();
  // Writes what is queued, then ends the thread. Idempotent.
  void stop();

  void on_call_event(sfu::rooms::CallEvent event) override;

 private:
  void write(const sfu::rooms::CallEvent& event);

  AttendanceRepository& store_;
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  IoThread thread_;
};

}  // namespace haven
