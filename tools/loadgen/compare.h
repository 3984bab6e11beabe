// haven-loadgen --compare-janus: Haven's SFU and Janus under the same load in one run
// (issue 8). For each load point, `repeats` rounds of Haven then Janus, alternating so a
// slow drift of the machine's other load hits both servers alike; every run is a fresh
// child process (report.h run_child). Prints the median of each figure per server and
// the Janus/Haven ratio.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report.h"

namespace haven::loadgen {

// The median of `key` (a dotted path such as "latency_us.p99") over runs that set up;
// 0 when none did.
double median_of(const std::vector<nlohmann::json>& runs, const std::string& key);

bool run_comparison(const std::vector<LoadPoint>& points, const std::vector<std::string>& common,
                    const std::string& janus_url, std::size_t repeats, std::ostream& out);

}  // namespace haven::loadgen
