// haven-loadgen --target janus URL: the same simulated clients, media and measurement
// window as a Haven run (fleet.h), signaled through a Janus server's videoroom plugin
// (janus_api.h) instead of Haven's in-process SFU. Janus's own process is measured from
// /proc: its CPU (utime + stime of every thread) over the window and its resident memory
// growth from before the session to the end of the window.
#pragma once

#include <cstdint>
#include <string>

#include "load_run.h"

namespace haven::loadgen {

// options.janus_url names the server; options.janus_pid its process (0: the one process
// named "janus"). Throws std::runtime_error on a bad URL or an unmeasurable process;
// a room or client that cannot be set up is reported in result.setup_error.
RunResult run_janus(const LoadOptions& options);

// From /proc/<pid>: CPU seconds (user + system, all threads) and VmRSS in bytes; -1 when
// unreadable.
double process_cpu_seconds_of(int pid);
std::int64_t resident_bytes_of(int pid);
// The pid of the only process whose comm is `name`; 0 when none or several.
int find_process(const std::string& name);

}  // namespace haven::loadgen
