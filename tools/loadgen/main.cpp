// haven-loadgen: load generator for Haven's SFU (docs/SFU.md "Load generator").
//
// Runs the media worker `haven serve` runs in this process, on 127.0.0.1, and drives it
// with simulated browsers: N publishers per room send synthetic audio and VP8 video with
// send timestamps in the payload, M subscribers per room (and the publishers, as browsers
// do) receive them. Reports forwarded packets per second, the SFU's CPU seconds per
// million forwarded packets, added latency percentiles, loss and memory per stream.
// Figures only: nothing is asserted unless --check is given.
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "compare.h"
#include "janus_run.h"
#include "load_run.h"
#include "log/logger.h"
#include "report.h"

namespace {

using haven::loadgen::LoadOptions;

constexpr const char* kUsage =
    "usage: haven-loadgen [--publishers N] [--subscribers M] [--rooms R] [--seconds S]\n"
    "                     [--warmup S] [--video-kbps K] [--audio | --no-audio]\n"
    "                     [--no-pacing] [--no-publisher-receive] [--client-threads T]\n"
    "                     [--srtp gcm|cm]\n"
    "                     [--setup-timeout S] [--check] [--json] [--log-level LEVEL]\n"
    "                     [--target haven | --target janus URL [--janus-pid PID]]\n"
    "                     [--netns NAME] [--server-address IP] [--client-address IP]\n"
    "       haven-loadgen --points PxS[xR],... [same options]\n"
    "       haven-loadgen --compare-janus URL --points PxS[xR],... [--repeats N] [same options]\n"
    "\n"
    "  --publishers N       clients per room that publish audio + video (default 2)\n"
    "  --subscribers M      clients per room that only receive (default 2); N + M <= 16\n"
    "  --rooms R            independent rooms of that shape (default 1)\n"
    "  --seconds S          measurement window (default 10)\n"
    "  --warmup S           after everyone receives, before measuring (default 3)\n"
    "  --video-kbps K       video bitrate per publisher, 30 fps, <= 1100-byte packets\n"
    "                       (default 1000; 0 = no video)\n"
    "  --no-audio           no Opus-sized audio (default: 50 packets/s of 100 bytes)\n"
    "  --no-pacing          send each video frame's packets back to back (default: paced\n"
    "                       at 2.5 x the bitrate, as Chrome does)\n"
    "  --no-publisher-receive  publishers do not answer the SFU's offers\n"
    "  --client-threads T   threads running the simulated clients (default 1)\n"
    "  --srtp gcm|cm        gcm: clients offer AEAD_AES_128_GCM and AES_CM_128_HMAC_SHA1_80\n"
    "                       as Chrome does and the SFU picks GCM (default); cm: only the latter\n"
    "  --check              exit 1 unless every receiver got every publisher's streams and\n"
    "                       loss < 5% (the smoke test); exit 2 when setup fails\n"
    "  --json               one JSON object instead of the table\n"
    "  --points LIST        run each point in a fresh process and print one table\n"
    "  --target janus URL   drive a Janus server's videoroom plugin at URL (its HTTP API,\n"
    "                       e.g. http://198.18.0.2:8088/janus) instead of Haven's SFU\n"
    "  --janus-pid PID      the Janus process to measure (default: the one named janus)\n"
    "  --janus-rss-baseline BYTES  Janus's idle VmRSS, the base of its memory figure\n"
    "                       (--compare-janus passes it; default: at the start of the run)\n"
    "  --netns NAME         create Haven's SFU socket in network namespace NAME (root)\n"
    "  --server-address IP  Haven's SFU address (default 127.0.0.1)\n"
    "  --client-address IP  the simulated clients' address (default 127.0.0.1)\n"
    "  --compare-janus URL  for each point, Haven then Janus, --repeats times (default 3),\n"
    "                       each run in a fresh process; prints medians and Janus/Haven\n"
    "                       ratios (scripts/bench-janus.sh)\n";

bool take_value(const std::vector<std::string>& args, std::size_t& i, const std::string& name,
                std::string& value) {
  const std::string& a = args[i];
  if (a == name) {
    if (i + 1 >= args.size()) return false;
    value = args[++i];
    return true;
  }
  if (a.rfind(name + "=", 0) == 0) {
    value = a.substr(name.size() + 1);
    return true;
  }
  return false;
}

std::optional<double> number(const std::string& text, double min, double max) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used != text.size() || v < min || v > max) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

int main(int argc, char** argv) {
  namespace lg = haven::loadgen;
  const std::vector<std::string> args(argv + 1, argv + argc);
  LoadOptions o;
  bool json = false, check = false;
  std::string points, level = "warn", compare_url;
  std::size_t repeats = 3;
  std::vector<std::string> common;  // what a --points child gets besides its point

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string v;
    const auto numeric = [&](const char* name, double min, double max) -> std::optional<double> {
      if (!take_value(args, i, name, v)) return std::nullopt;
      auto n = number(v, min, max);
      if (!n) {
        std::cerr << "haven-loadgen: " << name << " wants a number from " << min << " to " << max
                  << "\n";
        std::exit(64);
      }
      return n;
    };
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (auto n = numeric("--publishers", 1, 16)) {
      o.publishers = static_cast<std::size_t>(*n);
    } else if (auto n = numeric("--subscribers", 0, 15)) {
      o.subscribers = static_cast<std::size_t>(*n);
    } else if (auto n = numeric("--rooms", 1, 100)) {
      o.rooms = static_cast<std::size_t>(*n);
    } else if (auto n = numeric("--seconds", 0.1, 3600)) {
      o.seconds = *n;
      common.insert(common.end(), {"--seconds", v});
    } else if (auto n = numeric("--warmup", 0, 600)) {
      o.warmup = *n;
      common.insert(common.end(), {"--warmup", v});
    } else if (auto n = numeric("--video-kbps", 0, 20000)) {
      o.media.video_kbps = static_cast<std::uint32_t>(*n);
      common.insert(common.end(), {"--video-kbps", v});
    } else if (auto n = numeric("--client-threads", 1, 64)) {
      o.client_threads = static_cast<std::size_t>(*n);
      common.insert(common.end(), {"--client-threads", v});
    } else if (auto n = numeric("--setup-timeout", 1, 3600)) {
      o.setup_timeout = *n;
      common.insert(common.end(), {"--setup-timeout", v});
    } else if (a == "--audio" || a == "--no-audio") {
      o.media.audio = a == "--audio";
      common.push_back(a);
    } else if (take_value(args, i, "--srtp", v)) {
      if (v != "gcm" && v != "cm") {
        std::cerr << "haven-loadgen: --srtp wants gcm or cm\n";
        return 64;
      }
      o.srtp_cm_only = v == "cm";
      common.insert(common.end(), {"--srtp", v});
    } else if (a == "--no-pacing") {
      o.media.pacing = false;
      common.push_back(a);
    } else if (a == "--no-publisher-receive") {
      o.publishers_receive = false;
      common.push_back(a);
    } else if (a == "--target") {
      if (i + 1 >= args.size() || (args[i + 1] != "haven" && args[i + 1] != "janus")) {
        std::cerr << "haven-loadgen: --target wants haven or janus URL\n";
        return 64;
      }
      if (args[++i] == "janus") {
        if (i + 1 >= args.size()) {
          std::cerr << "haven-loadgen: --target janus wants the Janus URL, e.g. "
                       "http://198.18.0.2:8088/janus\n";
          return 64;
        }
        o.janus_url = args[++i];
      } else {
        o.janus_url.clear();
      }
    } else if (auto n = numeric("--janus-pid", 1, 4194304)) {
      o.janus_pid = static_cast<int>(*n);
      common.insert(common.end(), {"--janus-pid", v});
    } else if (auto n = numeric("--janus-rss-baseline", 1, 1e15)) {
      o.janus_rss_baseline = static_cast<std::int64_t>(*n);
    } else if (auto n = numeric("--repeats", 1, 100)) {
      repeats = static_cast<std::size_t>(*n);
    } else if (take_value(args, i, "--compare-janus", v)) {
      compare_url = v;
    } else if (take_value(args, i, "--netns", v)) {
      o.netns = v;
      common.insert(common.end(), {"--netns", v});
    } else if (take_value(args, i, "--server-address", v)) {
      o.server_address = v;
      common.insert(common.end(), {"--server-address", v});
    } else if (take_value(args, i, "--client-address", v)) {
      o.client_address = v;
      common.insert(common.end(), {"--client-address", v});
    } else if (a == "--check") {
      check = true;
    } else if (a == "--json") {
      json = true;
    } else if (take_value(args, i, "--points", v)) {
      points = v;
    } else if (take_value(args, i, "--log-level", v)) {
      level = v;
      common.insert(common.end(), {"--log-level", v});
    } else {
      std::cerr << "haven-loadgen: unknown argument '" << a << "'\n" << kUsage;
      return 64;
    }
  }
  haven::log::Level log_level;
  if (!haven::log::parse_level(level, log_level)) {
    std::cerr << "haven-loadgen: --log-level wants debug, info, warn or error\n";
    return 64;
  }
  haven::log::set_level(log_level);

  if (!compare_url.empty() && points.empty()) {
    std::cerr << "haven-loadgen: --compare-janus needs --points (e.g. --points 4x8,8x8)\n";
    return 64;
  }
  if (!points.empty()) {
    std::vector<lg::LoadPoint> list;
    std::string error;
    if (!lg::parse_points(points, list, error)) {
      std::cerr << "haven-loadgen: " << error << "\n";
      return 64;
    }
    for (const auto& p : list) {
      if (p.publishers + p.subscribers > 16) {
        std::cerr << "haven-loadgen: " << p.publishers << "x" << p.subscribers
                  << " does not fit a room (16 people at most)\n";
        return 64;
      }
    }
    if (!compare_url.empty()) {
      // Janus's idle memory, once, before any run: every Janus run's memory is counted
      // from here (see LoadOptions::janus_rss_baseline).
      const int pid = o.janus_pid != 0 ? o.janus_pid : lg::find_process("janus");
      const std::int64_t idle = pid != 0 ? lg::resident_bytes_of(pid) : -1;
      if (idle <= 0) {
        std::cerr << "haven-loadgen: cannot read the Janus process's memory: give --janus-pid\n";
        return 64;
      }
      common.insert(common.end(), {"--janus-rss-baseline", std::to_string(idle)});
      return lg::run_comparison(list, common, compare_url, repeats, std::cout) ? 0 : 1;
    }
    if (!o.janus_url.empty()) common.insert(common.end(), {"--target", "janus", o.janus_url});
    return lg::run_points(list, common, std::cout) ? 0 : 1;
  }
  if (o.publishers + o.subscribers > 16) {
    std::cerr << "haven-loadgen: a room holds 16 people; use --rooms for more load\n";
    return 64;
  }
  if (o.media.video_kbps == 0 && !o.media.audio) {
    std::cerr << "haven-loadgen: nothing to send (--video-kbps 0 and --no-audio)\n";
    return 64;
  }

  lg::RunResult result;
  try {
    result = o.janus_url.empty() ? lg::run_load(o) : lg::run_janus(o);
  } catch (const std::exception& e) {
    std::cerr << "haven-loadgen: " << e.what() << "\n";
    return 2;
  }
  const auto report = lg::to_json(result);
  if (json) {
    std::cout << report.dump() << "\n";
  } else {
    lg::print_table_header(std::cout);
    lg::print_table_row(std::cout, report);
    if (result.setup_ok) {
      std::cout << "\n";
      lg::print_details(std::cout, report);
    }
    std::cout << "\n";
    lg::print_table_notes(std::cout);
  }
  if (!result.setup_ok) {
    if (json) std::cerr << "haven-loadgen: setup failed: " << result.setup_error << "\n";
    return 2;
  }
  if (check) {
    if (!result.delivered()) {
      std::cerr << "haven-loadgen: check failed: " << result.receivers_complete << " of "
                << result.receivers << " receivers got packets from every publisher\n";
      return 1;
    }
    if (result.loss_percent() >= 5.0) {
      std::cerr << "haven-loadgen: check failed: loss " << result.loss_percent() << "%\n";
      return 1;
    }
  }
  return 0;
}
