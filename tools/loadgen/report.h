// haven-loadgen's output: one table row per run for people, one JSON object per run for
// machines, and the several-point mode `make bench` uses (each point in a fresh child
// process, so one point's freed memory cannot hide the next one's growth).
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "load_run.h"

namespace haven::loadgen {

nlohmann::json to_json(const RunResult& result);

// The table: header, one row per run (from to_json objects), and the notes under it.
void print_table_header(std::ostream& out);
void print_table_row(std::ostream& out, const nlohmann::json& run);
void print_table_notes(std::ostream& out);

// One line per non-obvious figure of a single run (loads, sends, key frames, memory).
void print_details(std::ostream& out, const nlohmann::json& run);

// A load point "PxS" or "PxSxR" (publishers x subscribers [x rooms]).
struct LoadPoint {
  std::size_t publishers = 0;
  std::size_t subscribers = 0;
  std::size_t rooms = 1;
};
// "1x4,4x8,8x8x4" (commas or spaces); false with a message on bad input.
bool parse_points(const std::string& text, std::vector<LoadPoint>& out, std::string& error);

// Runs `<this program> <args> --json` in a child process and returns its JSON object
// (discarded JSON when it printed none).
nlohmann::json run_child(const std::vector<std::string>& args);

// Runs each point as `<this program> <common_args> --publishers P --subscribers S --rooms R
// --json` and prints the table as rows arrive. Returns false if a point did not produce a
// result.
bool run_points(const std::vector<LoadPoint>& points, const std::vector<std::string>& common_args,
                std::ostream& out);

}  // namespace haven::loadgen
