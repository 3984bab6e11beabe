// haven-loadgen's output; see report.h.
#include "report.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <ostream>
#include <sstream>

namespace haven::loadgen {

namespace {

std::string format(const char* fmt, double value) {
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), fmt, value);
  return buf.data();
}

std::string quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string self_path() {
  std::array<char, 4096> buf{};
  const ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : "haven-loadgen";
}

double num(const nlohmann::json& run, const char* key) {
  auto it = run.find(key);
  return it != run.end() && it->is_number() ? it->get<double>() : 0;
}

}  // namespace

nlohmann::json to_json(const RunResult& r) {
  const auto& o = r.options;
  nlohmann::json drops = nlohmann::json::object();
  for (const auto& [reason, n] : r.sfu_drops) drops[reason] = n;
  return {
      {"server", r.server},
      {"rooms", o.rooms},
      {"publishers", o.publishers},
      {"subscribers", o.subscribers},
      {"publishers_receive", o.publishers_receive},
      {"audio", o.media.audio},
      {"video_kbps", o.media.video_kbps},
      {"client_threads", o.client_threads},
      {"srtp", o.srtp_cm_only ? "AES_CM_128_HMAC_SHA1_80" : "AEAD_AES_128_GCM"},
      {"srtp_negotiated", r.srtp},
      {"setup_ok", r.setup_ok},
      {"setup_error", r.setup_error},
      {"setup_seconds", r.setup_seconds},
      {"clients", r.clients},
      {"receivers", r.receivers},
      {"receivers_complete", r.receivers_complete},
      {"delivered", r.delivered()},
      {"streams", r.streams},
      {"window_seconds", r.window_seconds},
      {"forwarded_packets", r.forwarded},
      {"forwarded_per_second", r.forwarded_per_second()},
      {"server_cpu_seconds", r.server_cpu_seconds},
      {"server_cpu_seconds_per_million", r.server_cpu_per_million()},
      {"forwarded_per_core_second", r.forwarded_per_core_second()},
      {"server_load", r.server_load()},
      {"client_cpu_seconds", r.client_cpu_seconds},
      {"process_cpu_seconds", r.process_cpu_seconds},
      {"load_average", r.load_average},
      {"latency_samples", r.latency_samples},
      {"latency_us",
       {{"p50", r.p50_us},
        {"p90", r.p90_us},
        {"p99", r.p99_us},
        {"p99.9", r.p999_us},
        {"max", r.max_us},
        {"mean", r.mean_us}}},
      {"server_dwell_us", {{"p50", r.server_dwell_p50_us}, {"p99", r.server_dwell_p99_us}}},
      {"expected_packets", r.expected},
      {"lost_packets", r.lost},
      {"loss_percent", r.loss_percent()},
      {"unexpected_packets", r.unexpected},
      {"audio_sent", r.audio_sent},
      {"video_sent", r.video_sent},
      {"keyframes", r.keyframes},
      {"keyframe_requests", r.keyframe_requests},
      {"upstream_nacks", r.upstream_nacks},
      {"send_failures", r.send_failures},
      {"sfu_drops", drops},
      {"video_started_without_keyframe", r.started_without_keyframe},
      {"keyframe_wait_max_ms", static_cast<double>(r.keyframe_wait_max_ns) / 1e6},
      {"rss_baseline_bytes", r.rss_baseline_bytes},
      {"rss_loaded_bytes", r.rss_loaded_bytes},
      {"kb_per_stream", r.kb_per_stream()},
      {"client_rss_growth_bytes", r.client_rss_growth_bytes},
      {"client_kb_per_stream", r.client_kb_per_stream()},
  };
}

void print_table_header(std::ostream& out) {
  out << "rooms  pubs  subs  streams   fwd pkt/s  CPU s/Mpkt  fwd pkt/s/core  srv load"
         "   p50 us   p90 us   p99 us  loss %  KB/stream\n";
}

void print_table_row(std::ostream& out, const nlohmann::json& run) {
  std::array<char, 256> line{};
  if (!run.value("setup_ok", false)) {
    std::snprintf(line.data(), line.size(),
                  "%5zu %5zu %5zu  setup failed: ", run.value("rooms", std::size_t{0}),
                  run.value("publishers", std::size_t{0}),
                  run.value("subscribers", std::size_t{0}));
    out << line.data() << run.value("setup_error", std::string()) << "\n";
    return;
  }
  const auto& lat = run["latency_us"];
  std::snprintf(line.data(), line.size(),
                "%5zu %5zu %5zu %8zu %11.0f %11.2f %15.0f %8s %8.0f %8.0f %8.0f %7.3f %10.0f\n",
                run.value("rooms", std::size_t{0}), run.value("publishers", std::size_t{0}),
                run.value("subscribers", std::size_t{0}), run.value("streams", std::size_t{0}),
                num(run, "forwarded_per_second"), num(run, "server_cpu_seconds_per_million"),
                num(run, "forwarded_per_core_second"),
                format("%.0f%%", num(run, "server_load") * 100).c_str(), num(lat, "p50"),
                num(lat, "p90"), num(lat, "p99"), num(run, "loss_percent"),
                num(run, "kb_per_stream"));
  out << line.data();
}

void print_table_notes(std::ostream& out) {
  out << "streams: subscribed streams (SFU consumers; publishers also receive each other).\n"
         "CPU s/Mpkt: the SFU media thread's CPU seconds per million packets delivered to the\n"
         "  clients; fwd pkt/s/core = delivered packets / those CPU seconds; srv load = how busy\n"
         "  the media thread was. Latency: client send to client receive, both SRTP included.\n"
         "KB/stream: RSS growth of the whole loadgen process (SFU plus its own simulated\n"
         "  clients) per subscribed stream: an upper bound for the server.\n"
         "In-process, over loopback: the clients share the machine's cores with the SFU.\n";
}

void print_details(std::ostream& out, const nlohmann::json& run) {
  const double window = num(run, "window_seconds");
  out << "window " << format("%.2f", window) << " s after "
      << format("%.1f", num(run, "setup_seconds")) << " s of setup; " << run.value("clients", 0)
      << " clients on " << run.value("client_threads", 0) << " client thread(s); "
      << run.value("receivers_complete", 0) << "/" << run.value("receivers", 0)
      << " receivers got every stream\n";
  const bool janus = run.value("server", std::string("haven")) == "janus";
  out << "CPU in the window: " << (janus ? "Janus process " : "SFU media thread ")
      << format("%.2f", num(run, "server_cpu_seconds")) << " s, client threads "
      << format("%.2f", num(run, "client_cpu_seconds")) << " s, whole process "
      << format("%.2f", num(run, "process_cpu_seconds")) << " s; machine load average "
      << format("%.2f", num(run, "load_average")) << "\n";
  out << "sent: " << run.value("audio_sent", 0) << " audio + " << run.value("video_sent", 0)
      << " video packets (" << run.value("keyframes", 0) << " key frames, "
      << run.value("keyframe_requests", 0) << " PLI/FIR, " << run.value("upstream_nacks", 0)
      << " NACKed, " << run.value("send_failures", 0) << " send failures); received "
      << run.value("forwarded_packets", 0) << ", lost " << run.value("lost_packets", 0)
      << ", unexpected " << run.value("unexpected_packets", 0) << "\n";
  if (const auto n = run.value("video_started_without_keyframe", 0); n > 0) {
    out << "video streams that began without a key frame: " << n
        << " (each sent a PLI; the longest wait for the key frame: "
        << format("%.0f", num(run, "keyframe_wait_max_ms")) << " ms)\n";
  }
  if (run.contains("sfu_drops") && !run["sfu_drops"].empty()) {
    out << "SFU drops since start:";
    for (const auto& [reason, n] : run["sfu_drops"].items()) out << " " << reason << "=" << n;
    out << "\n";
  }
  const auto& lat = run["latency_us"];
  out << "latency us: mean " << format("%.0f", num(lat, "mean")) << ", p99.9 "
      << format("%.0f", num(lat, "p99.9")) << ", max " << format("%.0f", num(lat, "max")) << " ("
      << run.value("latency_samples", 0) << " samples)\n";
  if (const auto& dwell = run.value("server_dwell_us", nlohmann::json::object());
      num(dwell, "p50") >= 0 && !janus) {
    out << "inside the SFU (kernel receive stamp to the fan-out sent): p50 "
        << format("%.0f", num(dwell, "p50")) << " us, p99 " << format("%.0f", num(dwell, "p99"))
        << " us (10 us buckets, upper edges)\n";
  }
  out << (janus ? "Janus RSS: " : "RSS: ")
      << format("%.1f", num(run, "rss_baseline_bytes") / 1048576.0) << " MiB idle, "
      << format("%.1f", num(run, "rss_loaded_bytes") / 1048576.0) << " MiB loaded\n";
}

bool parse_points(const std::string& text, std::vector<LoadPoint>& out, std::string& error) {
  std::string spaced = text;
  for (char& c : spaced)
    if (c == ',') c = ' ';
  std::istringstream in(spaced);
  std::string token;
  while (in >> token) {
    LoadPoint p;
    char x1 = 0, x2 = 0;
    std::istringstream t(token);
    if (!(t >> p.publishers >> x1 >> p.subscribers) || x1 != 'x' || p.publishers == 0) {
      error = "bad load point '" + token + "' (want PxS or PxSxR, e.g. 4x8 or 8x8x2)";
      return false;
    }
    if (t >> x2) {
      if (x2 != 'x' || !(t >> p.rooms) || p.rooms == 0) {
        error = "bad load point '" + token + "'";
        return false;
      }
    }
    out.push_back(p);
  }
  if (out.empty()) error = "no load point given";
  return !out.empty();
}

nlohmann::json run_child(const std::vector<std::string>& args) {
  std::string command = quote(self_path());
  for (const auto& a : args) command += ' ' + quote(a);
  command += " --json";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  if (pipe) {
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe)) output += buf.data();
    pclose(pipe);
  }
  const auto start = output.rfind("\n{");
  return nlohmann::json::parse(start == std::string::npos ? output : output.substr(start + 1),
                               nullptr, false);
}

bool run_points(const std::vector<LoadPoint>& points, const std::vector<std::string>& common_args,
                std::ostream& out) {
  out << "machine load average before the first point: " << format("%.2f", load_average())
      << " (other work shares the cores with the SFU and its clients)\n";
  print_table_header(out);
  out.flush();
  bool ok = true;
  for (const auto& p : points) {
    std::vector<std::string> args = common_args;
    args.insert(args.end(), {"--publishers", std::to_string(p.publishers), "--subscribers",
                             std::to_string(p.subscribers), "--rooms", std::to_string(p.rooms)});
    const auto run = run_child(args);
    if (run.is_discarded() || !run.is_object()) {
      out << p.publishers << "x" << p.subscribers << "x" << p.rooms << ": no result\n";
      ok = false;
      continue;
    }
    if (!run.value("setup_ok", false)) ok = false;
    print_table_row(out, run);
    out.flush();
  }
  out << "\n";
  print_table_notes(out);
  return ok;
}

}  // namespace haven::loadgen
