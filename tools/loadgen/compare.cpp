// Haven and Janus side by side; see compare.h.
#include "compare.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ostream>

#include "load_run.h"

namespace haven::loadgen {

namespace {

// The figures of the table: JSON key, column title, printf format.
struct Column {
  const char* key;
  const char* title;
  const char* format;
};
constexpr std::array<Column, 7> kColumns{{
    {"forwarded_per_second", "fwd pkt/s", "%11.0f"},
    {"server_cpu_seconds_per_million", "CPU s/Mpkt", "%11.2f"},
    {"server_load", "srv load", "%9.2f"},
    {"kb_per_stream", "KB/stream", "%10.1f"},
    {"latency_us.p50", "p50 us", "%8.0f"},
    {"latency_us.p99", "p99 us", "%8.0f"},
    {"loss_percent", "loss %", "%8.3f"},
}};

const nlohmann::json* find(const nlohmann::json& run, const std::string& key) {
  const nlohmann::json* node = &run;
  std::size_t start = 0;
  // Dots separate levels, except the one in "p99.9" (never a column here).
  while (start <= key.size()) {
    const auto dot = key.find('.', start);
    const std::string part = key.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!node->is_object() || !node->contains(part)) return nullptr;
    node = &(*node)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node->is_number() ? node : nullptr;
}

std::string cell(const char* format, double value) {
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), format, value);
  return buf.data();
}

// Column widths follow the formats above; a ratio is right-aligned to the same width.
std::string ratio_cell(const Column& column, double janus, double haven) {
  const int width = std::atoi(column.format + 1);
  std::array<char, 64> buf{};
  if (haven <= 0 || janus <= 0) {
    std::snprintf(buf.data(), buf.size(), "%*s", width, "-");
  } else {
    std::snprintf(buf.data(), buf.size(), "%*.2fx", width - 1, janus / haven);
  }
  return buf.data();
}

void print_header(std::ostream& out) {
  out << "point     server runs ";
  for (const auto& c : kColumns) {
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), " %*s", std::atoi(c.format + 1), c.title);
    out << buf.data();
  }
  out << "\n";
}

void print_medians(std::ostream& out, const std::string& point, const char* server,
                   const std::vector<nlohmann::json>& runs, std::size_t attempted) {
  std::size_t ok = 0;
  for (const auto& r : runs) ok += r.value("setup_ok", false) ? 1 : 0;
  std::array<char, 64> head{};
  std::snprintf(head.data(), head.size(), "%-9s %-6s %2zu/%-2zu", point.c_str(), server, ok,
                attempted);
  out << head.data();
  for (const auto& c : kColumns) out << ' ' << cell(c.format, median_of(runs, c.key));
  out << "\n";
}

}  // namespace

double median_of(const std::vector<nlohmann::json>& runs, const std::string& key) {
  std::vector<double> values;
  for (const auto& r : runs) {
    if (!r.is_object() || !r.value("setup_ok", false)) continue;
    if (const auto* v = find(r, key)) values.push_back(v->get<double>());
  }
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

bool run_comparison(const std::vector<LoadPoint>& points, const std::vector<std::string>& common,
                    const std::string& janus_url, std::size_t repeats, std::ostream& out) {
  out << "machine load average before the first run: " << cell("%.2f", load_average())
      << "; medians of " << repeats << " runs per server, Haven then Janus alternating\n";
  bool ok = true;
  for (const auto& p : points) {
    const std::string point = std::to_string(p.publishers) + "x" + std::to_string(p.subscribers) +
                              (p.rooms > 1 ? "x" + std::to_string(p.rooms) : "");
    std::vector<std::string> args = common;
    args.insert(args.end(), {"--publishers", std::to_string(p.publishers), "--subscribers",
                             std::to_string(p.subscribers), "--rooms", std::to_string(p.rooms)});
    std::vector<std::string> janus_args = args;
    janus_args.insert(janus_args.end(), {"--target", "janus", janus_url});
    std::vector<nlohmann::json> haven, janus;
    for (std::size_t i = 0; i < repeats; ++i) {
      for (const bool is_janus : {false, true}) {
        auto run = run_child(is_janus ? janus_args : args);
        const char* name = is_janus ? "janus" : "haven";
        if (run.is_discarded() || !run.is_object()) {
          out << point << " " << name << " run " << i + 1 << ": no result\n";
          ok = false;
          continue;
        }
        if (!run.value("setup_ok", false)) {
          out << point << " " << name << " run " << i + 1
              << ": setup failed: " << run.value("setup_error", std::string()) << "\n";
          ok = false;
        } else {
          out << point << " " << name << " run " << i + 1 << ": "
              << cell("%.0f", run.value("forwarded_per_second", 0.0)) << " pkt/s, "
              << cell("%.2f", run.value("server_cpu_seconds_per_million", 0.0))
              << " CPU s/Mpkt, load average " << cell("%.2f", run.value("load_average", 0.0))
              << ", SRTP send/recv " << run.value("srtp_negotiated", std::string("?")) << "\n";
        }
        out.flush();
        (is_janus ? janus : haven).push_back(std::move(run));
      }
    }
    out << "\n";
    print_header(out);
    print_medians(out, point, "haven", haven, repeats);
    print_medians(out, point, "janus", janus, repeats);
    std::array<char, 64> head{};
    std::snprintf(head.data(), head.size(), "%-9s %-6s %5s", point.c_str(), "J/H", "");
    out << head.data();
    for (const auto& c : kColumns) {
      out << ' ' << ratio_cell(c, median_of(janus, c.key), median_of(haven, c.key));
    }
    out << "\n";
    // Haven's memory figure includes its clients (same process); the Janus runs measure
    // the same clients alone, so the difference estimates Haven's own share.
    const double clients_kb = median_of(janus, "client_kb_per_stream");
    out << "          Haven KB/stream less the clients' own " << cell("%.1f", clients_kb)
        << " (measured in the Janus runs): "
        << cell("%.1f", median_of(haven, "kb_per_stream") - clients_kb) << "\n";
    // What Haven adds by itself, without the clients' share of the latency columns.
    out << "          Haven inside the SFU (kernel receive to fan-out sent): p50 "
        << cell("%.0f", median_of(haven, "server_dwell_us.p50")) << " us, p99 "
        << cell("%.0f", median_of(haven, "server_dwell_us.p99")) << " us\n\n";
    out.flush();
  }
  out << "fwd pkt/s: packets the clients received per second. CPU s/Mpkt: server CPU seconds\n"
         "  per million of them (Haven: its media thread; Janus: its whole process, every\n"
         "  thread, from /proc/<pid>/stat). srv load: those CPU seconds per second.\n"
         "KB/stream: resident memory growth per subscribed stream (Haven: the loadgen process,\n"
         "  clients included: an upper bound; Janus: its VmRSS at the end of the window less its\n"
         "  idle VmRSS before the first run).\n"
         "Latency: client send to client receive, SRTP both ways. J/H: Janus / Haven.\n";
  return ok;
}

}  // namespace haven::loadgen
