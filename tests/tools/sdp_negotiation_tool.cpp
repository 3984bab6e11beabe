// Test-only driver of the SFU's SDP negotiators (src/sfu/negotiation/), so a node test can
// run what Haven generates through real Chromium (tests/browser/sdp-negotiation.test.mjs).
// Built only with HAVEN_TESTS; never part of the server.
//
//   sdp_negotiation_tool --send-answer < offer.sdp   prints the SEND answer SDP
//   sdp_negotiation_tool --recv-offer                prints a RECV offer for one audio and
//                                                    one video consumer of one stream
//   sdp_negotiation_tool --serve                     JSON lines on stdin, one reply each:
//     {"op":"send.answer","conn":"a","sdp":"v=0..."}
//         -> {"ok":true,"answer":"v=0...","producers":[RtpParameters...],"remote":{...}}
//     {"op":"recv.add","conn":"b","consumer":{"stream_id","track_id","kind","cname",
//                                             "codec":"opus|vp8|h264","ssrc","rtx_ssrc"}}
//         -> {"ok":true,"mid":"0"}
//     {"op":"recv.remove","conn":"b","mid":"0"}            -> {"ok":true}
//     {"op":"recv.offer","conn":"b"}                       -> {"ok":true,"offer":"v=0..."}
//     {"op":"recv.answer","conn":"b","sdp":"v=0..."}
//         -> {"ok":true,"accepted":[RtpParameters...],"declined":[mid...],"remote":{...}}
//   Failures reply {"ok":false,"error":"..."}. Each "conn" names its own negotiator.
// The SFU transport values are fixed test values (no socket exists): --ip/--port override.
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "sfu/negotiation/recv_negotiator.h"
#include "sfu/negotiation/send_negotiator.h"
#include "sfu/sdp/parser.h"
#include "sfu/sdp/writer.h"

namespace neg = haven::sfu::negotiation;
namespace sdp = haven::sfu::sdp;
using nlohmann::json;

namespace {

neg::TransportInfo test_transport(const std::string& ip, std::uint16_t port) {
  return {"HavenTestUfrag1", "HavenTestPasswordOf32Characters+",
          "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:"
          "C6:D7:E8:F9",
          ip, port};
}

json to_json(const haven::sfu::RtpParameters& p) {
  json codecs = json::array();
  for (const auto& c : p.codecs)
    codecs.push_back({{"payload_type", c.payload_type},
                      {"name", c.name},
                      {"clock_rate", c.clock_rate},
                      {"channels", c.channels},
                      {"fmtp", c.fmtp},
                      {"rtx_payload_type", c.rtx_payload_type ? json(*c.rtx_payload_type) : json()},
                      {"rtcp_feedback", c.rtcp_feedback}});
  json encodings = json::array();
  for (const auto& e : p.encodings)
    encodings.push_back({{"ssrc", e.ssrc}, {"rtx_ssrc", e.rtx_ssrc}, {"rid", e.rid}});
  const auto& x = p.extensions;
  return {{"mid", p.mid},
          {"kind", p.kind == haven::sfu::MediaKind::audio ? "audio" : "video"},
          {"codecs", codecs},
          {"extensions",
           {{"mid", x.mid},
            {"rid", x.rid},
            {"repaired_rid", x.repaired_rid},
            {"abs_send_time", x.abs_send_time},
            {"transport_cc", x.transport_cc},
            {"audio_level", x.audio_level},
            {"video_orientation", x.video_orientation}}},
          {"encodings", encodings},
          {"cname", p.cname},
          {"stream_id", p.stream_id},
          {"track_id", p.track_id}};
}

json to_json(const neg::RemoteTransport& r) {
  return {
      {"ice_ufrag", r.ice_ufrag}, {"ice_pwd", r.ice_pwd}, {"fingerprint", r.fingerprint.to_sdp()}};
}

json fail(const std::string& why) {
  return {{"ok", false}, {"error", why}};
}

std::optional<sdp::SessionDescription> parse(const std::string& text, std::string& error) {
  return sdp::parse_sdp(text, &error);
}

neg::ConsumerSlot consumer_from(const json& j) {
  neg::ConsumerSlot c;
  c.stream_id = j.at("stream_id").get<std::string>();
  c.track_id = j.at("track_id").get<std::string>();
  c.kind = j.at("kind").get<std::string>() == "audio" ? haven::sfu::MediaKind::audio
                                                      : haven::sfu::MediaKind::video;
  c.cname = j.at("cname").get<std::string>();
  c.codec = neg::server_codec_from_name(j.at("codec").get<std::string>())
                .value_or(neg::ServerCodec::opus);
  c.ssrc = j.at("ssrc").get<std::uint32_t>();
  c.rtx_ssrc = j.value("rtx_ssrc", 0u);
  return c;
}

class Server {
 public:
  explicit Server(neg::TransportInfo t) : transport_(std::move(t)) {}

  json handle(const json& req) {
    const std::string op = req.at("op").get<std::string>();
    const std::string conn = req.value("conn", std::string("default"));
    std::string error;
    if (op == "send.answer") {
      auto offer = parse(req.at("sdp").get<std::string>(), error);
      if (!offer) return fail("offer does not parse: " + error);
      auto& n = send_.try_emplace(conn, transport_).first->second;
      auto a = n.answer(*offer, &error);
      if (!a) return fail(error);
      json producers = json::array();
      for (const auto& p : a->producers) producers.push_back(to_json(p.rtp));
      return {{"ok", true},
              {"answer", sdp::write_sdp(a->answer)},
              {"producers", producers},
              {"remote", to_json(a->remote)},
              {"ice_restart", a->ice_restart}};
    }
    auto& r = recv_.try_emplace(conn, transport_).first->second;
    if (op == "recv.add") {
      auto mid = r.add_consumer(consumer_from(req.at("consumer")), &error);
      if (!mid) return fail(error);
      return {{"ok", true}, {"mid", *mid}};
    }
    if (op == "recv.remove") {
      if (!r.remove_consumer(req.at("mid").get<std::string>())) return fail("no such consumer");
      return {{"ok", true}};
    }
    if (op == "recv.offer") return {{"ok", true}, {"offer", sdp::write_sdp(r.offer())}};
    if (op == "recv.answer") {
      auto answer = parse(req.at("sdp").get<std::string>(), error);
      if (!answer) return fail("answer does not parse: " + error);
      auto result = r.apply_answer(*answer, &error);
      if (!result) return fail(error);
      json accepted = json::array();
      for (const auto& p : result->accepted) accepted.push_back(to_json(p));
      return {{"ok", true},
              {"accepted", accepted},
              {"declined", result->declined_mids},
              {"remote", result->remote ? to_json(*result->remote) : json()}};
    }
    return fail("unknown op " + op);
  }

 private:
  neg::TransportInfo transport_;
  std::map<std::string, neg::SendNegotiator> send_;
  std::map<std::string, neg::RecvNegotiator> recv_;
};

int serve(const neg::TransportInfo& t) {
  Server server(t);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json reply;
    try {
      reply = server.handle(json::parse(line));
    } catch (const std::exception& e) {  // malformed request: report, keep serving
      reply = fail(std::string("bad request: ") + e.what());
    }
    std::cout << reply.dump() << std::endl;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode, ip = "127.0.0.1";
  std::uint16_t port = 40000;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--ip" && i + 1 < argc)
      ip = argv[++i];
    else if (arg == "--port" && i + 1 < argc)
      port = static_cast<std::uint16_t>(std::stoul(argv[++i]));
    else
      mode = arg;
  }
  const auto transport = test_transport(ip, port);
  if (mode == "--serve") return serve(transport);
  if (mode == "--send-answer") {
    std::string text(std::istreambuf_iterator<char>(std::cin), {});
    std::string error;
    auto offer = parse(text, error);
    if (!offer) {
      std::cerr << "offer does not parse: " << error << "\n";
      return 1;
    }
    neg::SendNegotiator n(transport);
    auto a = n.answer(*offer, &error);
    if (!a) {
      std::cerr << error << "\n";
      return 1;
    }
    std::cout << sdp::write_sdp(a->answer);
    return 0;
  }
  if (mode == "--recv-offer") {
    neg::RecvNegotiator r(transport);
    r.add_consumer({"peer-stream", "peer-audio", haven::sfu::MediaKind::audio, "peercname",
                    neg::ServerCodec::opus, 1111, 0});
    r.add_consumer({"peer-stream", "peer-video", haven::sfu::MediaKind::video, "peercname",
                    neg::ServerCodec::vp8, 2222, 3333});
    std::cout << sdp::write_sdp(r.offer());
    return 0;
  }
  std::cerr << "usage: " << argv[0]
            << " --send-answer | --recv-offer | --serve [--ip IP] [--port N]\n";
  return 2;
}
