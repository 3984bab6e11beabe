// One haven-loadgen run: the SFU `haven serve` runs (rooms::MediaWorker: its media thread,
// one UDP port on 127.0.0.1) in this process, simulated browsers on client threads that
// join rooms through its signaling API (bypassing only HTTP/WSS authentication), publish
// and subscribe over real UDP, then a warm-up and a measurement window.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "synthetic_media.h"

namespace haven::loadgen {

struct LoadOptions {
  std::size_t rooms = 1;
  std::size_t publishers = 2;      // per room: publish audio + video
  std::size_t subscribers = 2;     // per room: publish nothing, receive every publisher
  bool publishers_receive = true;  // publishers also receive each other, as browsers do
  double seconds = 10;             // measurement window
  double warmup = 3;
  double setup_timeout = 60;  // joining, connecting and first packets of every stream
  std::size_t client_threads = 1;
  bool srtp_cm_only = false;  // clients offer only AES_CM_128_HMAC_SHA1_80 (else GCM too)
  MediaConfig media;

  // The test network (scripts/bench-janus.sh): the server's and the clients' addresses,
  // and the network namespace the in-process SFU's socket is created in (empty: this
  // process's own). Entering a namespace needs CAP_SYS_ADMIN.
  std::string server_address = "127.0.0.1";
  std::string client_address = "127.0.0.1";
  std::string netns;

  // --target janus URL: the clients talk to that Janus server instead (janus_run.h);
  // janus_pid is its process, whose CPU and memory are measured (0: found by name).
  std::string janus_url;
  int janus_pid = 0;
  // Janus's VmRSS when it was idle (before the first run of a comparison): Janus outlives
  // the runs and keeps the heap an earlier run grew, so a delta from the start of each
  // run would miss memory it reuses; 0: the RSS at the start of this run.
  std::int64_t janus_rss_baseline = 0;
};

struct RunResult {
  LoadOptions options;
  std::string server = "haven";  // or "janus"
  bool setup_ok = false;
  std::string setup_error;  // what did not come up, when !setup_ok
  double setup_seconds = 0;

  std::size_t clients = 0;
  std::size_t receivers = 0;           // clients that receive
  std::size_t receivers_complete = 0;  // ... that got packets of every expected stream
  std::size_t streams = 0;             // subscribed streams (one per consumer in the SFU)
  std::string srtp;                    // "send/recv" SRTP profiles of the first client

  double window_seconds = 0;
  std::uint64_t forwarded = 0;  // packets received by all clients in the window
  std::uint64_t expected = 0;   // from the probes' sequence ranges
  std::uint64_t lost = 0;
  std::uint64_t unexpected = 0;
  std::uint64_t audio_sent = 0;
  std::uint64_t video_sent = 0;
  std::uint64_t keyframes = 0;
  std::uint64_t keyframe_requests = 0;  // PLI/FIR the publishers got
  std::uint64_t upstream_nacks = 0;     // NACKed packets the publishers got
  std::uint64_t send_failures = 0;
  std::uint64_t started_without_keyframe = 0;  // video streams that began without a key frame
  std::int64_t keyframe_wait_max_ns = 0;       // ... the longest wait from PLI to key frame

  double server_cpu_seconds = 0;  // Haven: media thread; Janus: its process; in the window
  double client_cpu_seconds = 0;  // client threads, in the window
  double process_cpu_seconds = 0;

  std::uint64_t latency_samples = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, p999_us = 0, max_us = 0, mean_us = 0;
  // Haven only: how long received datagrams stayed in the server, kernel receive stamp to
  // the end of their fan-out's send (DwellHistogram, 10 µs buckets); -1: not measured.
  double server_dwell_p50_us = -1, server_dwell_p99_us = -1;

  double load_average = 0;
  // The SFU's drop counters (haven_sfu_dropped_packets_total) at the end, non-zero only.
  std::vector<std::pair<std::string, std::uint64_t>>
      sfu_drops;  // /proc/loadavg 1-minute figure at the end of the window

  // Haven: this process (SFU and clients); Janus: the Janus process.
  std::int64_t rss_baseline_bytes = 0;  // server started, nobody joined
  std::int64_t rss_loaded_bytes = 0;    // everyone joined, end of the window
  // Janus runs: this process's growth, i.e. the clients' own memory, which Haven's
  // figure includes (its clients share its process): subtracting it estimates Haven's.
  std::int64_t client_rss_growth_bytes = 0;

  double forwarded_per_second() const;
  double server_cpu_per_million() const;  // CPU seconds per 1M forwarded packets
  double forwarded_per_core_second() const;
  double server_load() const;  // media thread busy fraction in the window
  double loss_percent() const;
  double kb_per_stream() const;         // RSS growth / streams (Haven: clients included)
  double client_kb_per_stream() const;  // client_rss_growth_bytes / streams
  bool delivered() const;               // every receiver got every expected stream
};

RunResult run_load(const LoadOptions& options);

// Resident set size of this process, from /proc/self/statm (0 if unreadable).
std::int64_t resident_bytes();
// The machine's 1-minute load average (0 if unreadable): other work competing for cores.
double load_average();

}  // namespace haven::loadgen
