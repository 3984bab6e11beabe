// Internal to parser.cpp / parser_media.cpp: the line-by-line parser state. Session-level
// handling lives in parser.cpp, m-section handling (m= line, media attributes, codecs) in
// parser_media.cpp. Not for use outside src/sfu/sdp/.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfu/sdp/session_description.h"

namespace haven::sfu::sdp::detail {

using OptValue = std::optional<std::string_view>;

// Where a kept line goes when written (RFC 8866 §5 order): session i u e p before c=,
// r z k after t=. -1 for other types.
int session_extra_rank(char type);

// The fields a session and a media section share (RFC 8839/8122/4145/8285 attributes may
// appear at either level).
struct CommonFields {
  std::string& ice_ufrag;
  std::string& ice_pwd;
  std::vector<std::string>& ice_options;
  std::vector<Fingerprint>& fingerprints;
  std::optional<Setup>& setup;
  bool& extmap_allow_mixed;
  std::vector<Extmap>& extmaps;
};

enum class Handled { no, yes, error };

class Parser {
 public:
  explicit Parser(std::string* error) : error_(error) {}
  std::optional<SessionDescription> run(std::string_view text);

 private:
  // Records "line N: why" (or just why after the last line) and returns nullopt.
  std::nullopt_t fail(std::string_view why);
  bool bad(std::string_view why);  // fail() for bool-returning handlers
  bool check_line(std::string_view line);

  // parser.cpp
  bool session_line(char type, std::string_view value);
  bool parse_connection(std::string_view value, std::optional<Connection>& out);
  bool parse_bandwidth(std::string_view value, std::vector<Bandwidth>& out);
  bool split_attribute(std::string_view text, std::string_view& name, OptValue& value);
  bool need_value(std::string_view name, const OptValue& value);
  Handled common_attribute(CommonFields f, std::string_view name, const OptValue& v);
  bool session_attribute(std::string_view text);

  // parser_media.cpp
  bool start_media(std::string_view value);
  void finish_media();
  bool media_line(char type, std::string_view value);
  bool media_attribute(std::string_view text);
  bool codec_attribute(std::string_view name, std::string_view value);

  // rtpmap/fmtp/rtcp-fb seen for one payload type of the current m-section.
  struct PendingCodec {
    bool rtpmap = false;
    bool fmtp = false;
    Codec codec;
  };

  std::string* error_;
  std::size_t line_no_ = 0;
  SessionDescription sd_;
  MediaSection* media_ = nullptr;  // the section being parsed, nullptr at session level
  bool have_origin_ = false;
  bool have_name_ = false;
  std::array<std::vector<ExtraLine>, 7> session_extra_;  // by session_extra_rank
  std::array<std::vector<ExtraLine>, 2> media_extra_;    // i=, k=
  std::vector<PendingCodec> pending_;                    // by payload type, reset per m=
};

}  // namespace haven::sfu::sdp::detail
