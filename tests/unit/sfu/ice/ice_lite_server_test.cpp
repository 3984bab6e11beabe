// The ICE-lite server against requests crafted the way Chrome sends them
// (sfu/ice/ice_lite_server.h): validation, responses, nomination, consent, ICE restart.
#include "sfu/ice/ice_lite_server.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "../stun/rfc5769_vectors.h"
#include "sfu/stun/builder.h"
#include "sfu/stun/integrity.h"
#include "sfu/stun/message.h"

namespace haven::sfu::ice {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;
using Clock = IceLiteServer::Clock;
using stun::MessageClass;

const IceCredentials kLocal{"Lufrag01", "localPassword0123456789+/"};
const IceCredentials kFresh{"Nufrag02", "freshPassword9876543210/+"};
const Tuple kA = Tuple::v4({192, 0, 2, 1}, 50000);
const Tuple kB = Tuple::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 50001);
const Tuple kC = Tuple::v4({198, 51, 100, 3}, 50002);
const Clock::time_point kT0 = Clock::time_point{} + 1h;

struct Recorder : IceLiteServer::Listener {
  void on_selected_tuple(const Tuple& t) override { events.push_back("selected " + t.to_string()); }
  void on_connected() override { events.push_back("connected"); }
  void on_disconnected() override { events.push_back("disconnected"); }
  std::vector<std::string> take() { return std::exchange(events, {}); }
  std::vector<std::string> events;
};

// A Binding request as Chrome (controlling, full ICE) sends it.
struct Request {
  std::string username = kLocal.ufrag + ":Rfrag";
  std::string pwd = kLocal.pwd;
  bool priority = true;
  bool controlling = true;
  bool controlled = false;
  bool use_candidate = false;
  std::optional<std::uint32_t> nomination;
  bool integrity = true;
  bool fingerprint = true;
  std::optional<std::uint16_t> extra_attribute;
  MessageClass message_class = MessageClass::request;
  std::uint16_t method = stun::kMethodBinding;
  stun::TransactionId txid = stun::random_transaction_id();

  Bytes build() const {
    stun::MessageBuilder b(message_class, method, txid);
    if (!username.empty()) b.username(username);
    b.attribute(0xC057, Bytes{0, 1, 0, 10});  // GOOG-NETWORK-INFO, as Chrome adds it
    if (priority) b.priority(0x6e7f1eff);
    if (controlling) b.ice_controlling(0x1122334455667788ULL);
    if (controlled) b.ice_controlled(0x1122334455667788ULL);
    if (use_candidate) b.use_candidate();
    if (nomination) b.nomination(*nomination);
    if (extra_attribute) b.attribute(*extra_attribute, Bytes{1, 2, 3, 4});
    if (integrity) b.message_integrity(pwd);
    if (fingerprint) b.fingerprint();
    return *b.finish();
  }
};

// The checks Chrome applies to a success response (RFC 8489 §6.3.3, §9.1.4).
void expect_success(const std::optional<Bytes>& response, const Request& request, const Tuple& from,
                    std::string_view pwd) {
  ASSERT_TRUE(response);
  stun::ParseError error{};
  const auto m = stun::parse(*response, &error);
  ASSERT_TRUE(m) << stun::to_string(error);
  EXPECT_EQ(m->message_class, MessageClass::success_response);
  EXPECT_EQ(m->method, stun::kMethodBinding);
  EXPECT_EQ(m->transaction_id, request.txid);
  EXPECT_EQ(m->xor_mapped_address, from);
  EXPECT_TRUE(m->has_fingerprint);
  EXPECT_TRUE(m->has_integrity());
  EXPECT_TRUE(stun::verify_message_integrity(*response, pwd));
}

void expect_error(const std::optional<Bytes>& response, const Request& request,
                  std::uint16_t code) {
  ASSERT_TRUE(response);
  const auto m = stun::parse(*response);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message_class, MessageClass::error_response);
  EXPECT_EQ(m->method, request.method);
  EXPECT_EQ(m->transaction_id, request.txid);
  ASSERT_TRUE(m->error_code);
  EXPECT_EQ(m->error_code->code, code);
  EXPECT_FALSE(m->error_code->reason.empty());
  EXPECT_TRUE(m->has_fingerprint);
  EXPECT_FALSE(m->has_integrity());
}

class IceLiteServerTest : public ::testing::Test {
 protected:
  std::optional<Bytes> send(const Request& r, const Tuple& from = kA, Clock::time_point at = kT0) {
    return server.handle_binding_request(r.build(), from, at);
  }
  Request nominating() {
    Request r;
    r.use_candidate = true;
    return r;
  }

  Recorder events;
  IceLiteServer server{events, kLocal};
};

TEST_F(IceLiteServerTest, AnswersAValidCheckAndAuthenticatesTheTuple) {
  Request r;
  expect_success(send(r), r, kA, kLocal.pwd);
  EXPECT_TRUE(server.is_authenticated(kA));
  EXPECT_FALSE(server.is_authenticated(kB));
  // Not nominated yet: still new, nothing selected, no events.
  EXPECT_EQ(server.state(), IceState::new_);
  EXPECT_FALSE(server.selected_tuple());
  EXPECT_TRUE(events.take().empty());
}

TEST_F(IceLiteServerTest, XorMappedAddressIsTheSourceForIpv6Too) {
  Request r;
  expect_success(send(r, kB), r, kB, kLocal.pwd);
}

TEST_F(IceLiteServerTest, UseCandidateSelectsAndConnects) {
  const Request r = nominating();
  expect_success(send(r), r, kA, kLocal.pwd);
  EXPECT_EQ(server.state(), IceState::connected);
  EXPECT_EQ(server.selected_tuple(), kA);
  EXPECT_EQ(events.take(), (std::vector<std::string>{"selected 192.0.2.1:50000", "connected"}));
  // Consent refreshes on the same pair raise no further events.
  const Request again = nominating();
  expect_success(send(again, kA, kT0 + 5s), again, kA, kLocal.pwd);
  EXPECT_TRUE(events.take().empty());
}

TEST_F(IceLiteServerTest, WrongPasswordIs401) {
  Request r;
  r.pwd = "not-the-password-at-all";
  r.use_candidate = true;
  expect_error(send(r), r, 401);
  EXPECT_FALSE(server.is_authenticated(kA));
  EXPECT_EQ(server.state(), IceState::new_);
  EXPECT_TRUE(events.take().empty());
}

TEST_F(IceLiteServerTest, ForeignUfragIs401) {
  Request r;
  r.username = "someoneElse:Rfrag";
  expect_error(send(r), r, 401);
  r.username = kLocal.ufrag + "Rfrag";  // no colon
  expect_error(send(r), r, 401);
  r.username = "Rfrag:" + kLocal.ufrag;  // reversed, as a confused peer might
  expect_error(send(r), r, 401);
  EXPECT_FALSE(server.is_authenticated(kA));
}

TEST_F(IceLiteServerTest, MissingMandatoryAttributesAre400) {
  for (int missing = 0; missing < 5; ++missing) {
    Request r;
    r.use_candidate = true;
    if (missing == 0) r.fingerprint = false;
    if (missing == 1) r.priority = false;
    if (missing == 2) r.integrity = false;
    if (missing == 3) r.username.clear();
    if (missing == 4) r.controlling = false;
    expect_error(send(r), r, 400);
  }
  EXPECT_FALSE(server.is_authenticated(kA));
  EXPECT_TRUE(events.take().empty());
}

TEST_F(IceLiteServerTest, IceControlledIs487) {
  Request r;
  r.controlling = false;
  r.controlled = true;
  r.use_candidate = true;
  expect_error(send(r), r, 487);
  EXPECT_FALSE(server.is_authenticated(kA));
  EXPECT_EQ(server.state(), IceState::new_);
}

TEST(IceLiteServerVectorTest, Rfc5769SampleRequestIsARoleConflict) {
  // The §2.1 request is from a controlled agent with USERNAME "evtj:h6vY".
  Recorder events;
  IceLiteServer server(events, IceCredentials{"evtj", std::string(stun::testing::kPassword)});
  const auto raw = stun::testing::from_hex(stun::testing::kSampleRequest);
  const auto response = server.handle_binding_request(raw, kA, kT0);
  ASSERT_TRUE(response);
  const auto m = stun::parse(*response);
  ASSERT_TRUE(m && m->error_code);
  EXPECT_EQ(m->error_code->code, 487);
  EXPECT_EQ(m->transaction_id, stun::parse(raw)->transaction_id);
}

TEST_F(IceLiteServerTest, UnknownComprehensionRequiredIs420) {
  Request r;
  r.extra_attribute = 0x0042;
  const auto response = send(r);
  expect_error(response, r, 420);
  EXPECT_EQ(stun::parse(*response)->unknown_attributes, (std::vector<std::uint16_t>{0x0042}));
  // Unknown comprehension-optional ones are fine.
  r.extra_attribute = 0x8123;
  expect_success(send(r), r, kA, kLocal.pwd);
}

TEST_F(IceLiteServerTest, DropsWhatIsNotARequest) {
  Request indication;
  indication.message_class = MessageClass::indication;  // keepalive
  EXPECT_FALSE(send(indication));
  Request response;
  response.message_class = MessageClass::success_response;
  EXPECT_FALSE(send(response));
  EXPECT_FALSE(server.handle_binding_request(Bytes{0x16, 0xfe, 0xfd, 0, 0}, kA, kT0));
  EXPECT_FALSE(server.handle_binding_request(Bytes(20, 0), kA, kT0));
  Bytes bad_fp = Request{}.build();
  bad_fp.back() ^= 1;
  EXPECT_FALSE(server.handle_binding_request(bad_fp, kA, kT0));
  // A request of another method gets 400.
  Request allocate;
  allocate.method = 0x003;
  expect_error(send(allocate), allocate, 400);
  EXPECT_FALSE(server.is_authenticated(kA));
}

TEST_F(IceLiteServerTest, UseCandidateOnAnotherPairSwitchesUnconditionally) {
  send(nominating(), kA);
  events.take();
  const Request r = nominating();
  expect_success(send(r, kB, kT0 + 1s), r, kB, kLocal.pwd);
  EXPECT_EQ(server.selected_tuple(), kB);
  EXPECT_EQ(events.take(), (std::vector<std::string>{"selected " + kB.to_string()}));
  EXPECT_EQ(server.state(), IceState::connected);
  // And back again.
  send(nominating(), kA, kT0 + 2s);
  EXPECT_EQ(server.selected_tuple(), kA);
  // A plain check on another pair does not move the selection.
  send(Request{}, kC, kT0 + 3s);
  EXPECT_EQ(server.selected_tuple(), kA);
  EXPECT_TRUE(server.is_authenticated(kC));
}

TEST_F(IceLiteServerTest, RenominationSwitchesOnlyOnAHigherValue) {
  Request r;
  r.nomination = 1;
  send(r, kA);
  EXPECT_EQ(server.selected_tuple(), kA);
  EXPECT_EQ(server.state(), IceState::connected);
  events.take();
  send(r, kB, kT0 + 1s);  // same value, late check for another pair: ignored
  EXPECT_EQ(server.selected_tuple(), kA);
  r.nomination = 2;
  r.use_candidate = true;  // NOMINATION decides, even with USE-CANDIDATE alongside
  send(r, kB, kT0 + 2s);
  EXPECT_EQ(server.selected_tuple(), kB);
  send(r, kA, kT0 + 3s);  // 2 again: no switch back
  EXPECT_EQ(server.selected_tuple(), kB);
  r.nomination = 1;
  send(r, kA, kT0 + 4s);  // lower: no switch
  EXPECT_EQ(server.selected_tuple(), kB);
  EXPECT_EQ(events.take(), (std::vector<std::string>{"selected " + kB.to_string()}));
}

TEST_F(IceLiteServerTest, ConsentExpiresWithoutChecksOnTheSelectedPair) {
  send(nominating(), kA, kT0);
  events.take();
  EXPECT_EQ(server.next_deadline(), kT0 + 30s);
  send(Request{}, kA, kT0 + 20s);  // consent refresh
  EXPECT_EQ(server.next_deadline(), kT0 + 50s);
  server.tick(kT0 + 49s);
  EXPECT_EQ(server.state(), IceState::connected);
  EXPECT_TRUE(events.take().empty());
  server.tick(kT0 + 50s);
  EXPECT_EQ(server.state(), IceState::disconnected);
  EXPECT_FALSE(server.selected_tuple());
  EXPECT_FALSE(server.is_authenticated(kA));
  EXPECT_EQ(events.take(), (std::vector<std::string>{"disconnected"}));
  server.tick(kT0 + 60s);  // reported once
  EXPECT_TRUE(events.take().empty());
  // A later nomination reconnects.
  send(nominating(), kA, kT0 + 70s);
  EXPECT_EQ(server.state(), IceState::connected);
  EXPECT_EQ(events.take(), (std::vector<std::string>{"selected " + kA.to_string(), "connected"}));
}

TEST_F(IceLiteServerTest, ChecksOnOtherPairsDoNotKeepTheSelectedOneAlive) {
  send(nominating(), kA, kT0);
  for (auto t = kT0 + 5s; t <= kT0 + 40s; t += 5s) send(Request{}, kB, t);
  server.tick(kT0 + 30s);
  EXPECT_EQ(server.state(), IceState::disconnected);
  EXPECT_TRUE(server.is_authenticated(kB));  // still fresh
  server.tick(kT0 + 70s);
  EXPECT_FALSE(server.is_authenticated(kB));  // stale tuples are forgotten too
  EXPECT_FALSE(server.next_deadline());
}

TEST_F(IceLiteServerTest, CustomConsentTimeout) {
  IceLiteServer short_consent(events, kLocal, IceLiteOptions{.consent_timeout = 10s});
  short_consent.handle_binding_request(nominating().build(), kA, kT0);
  short_consent.tick(kT0 + 9s);
  EXPECT_EQ(short_consent.state(), IceState::connected);
  short_consent.tick(kT0 + 10s);
  EXPECT_EQ(short_consent.state(), IceState::disconnected);
}

TEST_F(IceLiteServerTest, RestartAcceptsOldCredentialsUntilTheNewOnesAreUsed) {
  send(nominating(), kA, kT0);
  events.take();
  server.restart(kFresh);
  EXPECT_EQ(server.local_credentials(), kFresh);
  EXPECT_EQ(server.state(), IceState::connected);  // restart keeps the selection
  EXPECT_EQ(server.selected_tuple(), kA);

  Request old_creds;  // Chrome has not applied the new answer yet
  expect_success(send(old_creds, kA, kT0 + 1s), old_creds, kA, kLocal.pwd);

  Request new_creds;
  new_creds.username = kFresh.ufrag + ":Rfrag2";
  new_creds.pwd = kFresh.pwd;
  new_creds.use_candidate = true;
  expect_success(send(new_creds, kB, kT0 + 2s), new_creds, kB, kFresh.pwd);
  EXPECT_EQ(server.selected_tuple(), kB);

  Request stale;  // old credentials after the new ones were used
  expect_error(send(stale, kA, kT0 + 3s), stale, 401);
}

TEST_F(IceLiteServerTest, RestartResetsTheNominationCounter) {
  Request r;
  r.nomination = 5;
  send(r, kA);
  server.restart(kFresh);
  Request fresh;
  fresh.username = kFresh.ufrag + ":R";
  fresh.pwd = kFresh.pwd;
  fresh.nomination = 1;  // a new session's counter starts over
  send(fresh, kB, kT0 + 1s);
  EXPECT_EQ(server.selected_tuple(), kB);
}

TEST_F(IceLiteServerTest, GeneratedRestartCredentials) {
  server.restart();
  EXPECT_NE(server.local_credentials(), kLocal);
  EXPECT_EQ(server.local_ufrag().size(), kGeneratedCredentialLength);
  EXPECT_TRUE(is_valid_pwd(server.local_pwd()));
  const Request old_creds;
  expect_success(send(old_creds), old_creds, kA, kLocal.pwd);  // old still works
}

TEST_F(IceLiteServerTest, MediaGate) {
  EXPECT_FALSE(server.accept_packet_from(kA));  // DTLS/RTP before any check: dropped
  send(Request{}, kA);
  EXPECT_TRUE(server.accept_packet_from(kA));
  EXPECT_FALSE(server.selected_tuple());  // not connected yet: no selection from media
  send(nominating(), kA);
  send(Request{}, kB);
  events.take();
  EXPECT_FALSE(server.accept_packet_from(kC));
  EXPECT_TRUE(server.accept_packet_from(kB));  // mediasoup MayForceSelectedTuple
  EXPECT_EQ(server.selected_tuple(), kB);
  EXPECT_EQ(events.take(), (std::vector<std::string>{"selected " + kB.to_string()}));

  IceLiteServer no_follow(events, kLocal, IceLiteOptions{.select_on_media = false});
  no_follow.handle_binding_request(nominating().build(), kA, kT0);
  no_follow.handle_binding_request(Request{}.build(), kB, kT0);
  EXPECT_TRUE(no_follow.accept_packet_from(kB));
  EXPECT_EQ(no_follow.selected_tuple(), kA);
}

TEST_F(IceLiteServerTest, RemembersBoundedTuplesKeepingTheSelectedOne) {
  IceLiteServer small(events, kLocal, IceLiteOptions{.max_tuples = 2});
  small.handle_binding_request(nominating().build(), kA, kT0);
  small.handle_binding_request(Request{}.build(), kB, kT0 + 1s);
  small.handle_binding_request(Request{}.build(), kC, kT0 + 2s);
  EXPECT_TRUE(small.is_authenticated(kA));  // selected, although least recent
  EXPECT_FALSE(small.is_authenticated(kB));
  EXPECT_TRUE(small.is_authenticated(kC));
}

TEST_F(IceLiteServerTest, RemoteUfragIsStored) {
  EXPECT_FALSE(server.remote_ufrag());
  server.set_remote_ufrag("Rfrag");
  EXPECT_EQ(server.remote_ufrag(), "Rfrag");
}

TEST(IceLiteServerStaticTest, ParseUsernameUfrag) {
  Request r;
  EXPECT_EQ(IceLiteServer::parse_username_ufrag(r.build()), kLocal.ufrag);
  r.integrity = false;  // routing needs no authentication
  EXPECT_EQ(IceLiteServer::parse_username_ufrag(r.build()), kLocal.ufrag);
  r.username = "nocolon";
  EXPECT_FALSE(IceLiteServer::parse_username_ufrag(r.build()));
  r.username = ":empty";
  EXPECT_FALSE(IceLiteServer::parse_username_ufrag(r.build()));
  Request response;
  response.message_class = MessageClass::success_response;
  EXPECT_FALSE(IceLiteServer::parse_username_ufrag(response.build()));
  EXPECT_FALSE(IceLiteServer::parse_username_ufrag(Bytes{0x80, 0x60, 0, 1}));
}

TEST(IceLiteServerStaticTest, GeneratedCredentialsAreRandomIceChars) {
  Recorder events;
  IceLiteServer a(events);
  IceLiteServer b(events);
  EXPECT_EQ(a.local_ufrag().size(), 32u);
  EXPECT_EQ(a.local_pwd().size(), 32u);
  EXPECT_TRUE(is_valid_ufrag(a.local_ufrag()));
  EXPECT_TRUE(is_valid_pwd(a.local_pwd()));
  EXPECT_NE(a.local_ufrag(), b.local_ufrag());
  EXPECT_NE(a.local_ufrag(), a.local_pwd());
  EXPECT_TRUE(is_ice_chars("AZaz09+/"));
  EXPECT_FALSE(is_ice_chars("a:b"));
  EXPECT_FALSE(is_ice_chars("a b"));
}

TEST(IceLiteServerStaticTest, RejectsMalformedGivenCredentials) {
  Recorder events;
  EXPECT_THROW(IceLiteServer(events, IceCredentials{"abc", kLocal.pwd}), std::invalid_argument);
  EXPECT_THROW(IceLiteServer(events, IceCredentials{"ab:cd", kLocal.pwd}), std::invalid_argument);
  EXPECT_THROW(IceLiteServer(events, IceCredentials{kLocal.ufrag, "short"}), std::invalid_argument);
  IceLiteServer ok(events, kLocal);
  EXPECT_THROW(ok.restart(IceCredentials{"x", "y"}), std::invalid_argument);
  EXPECT_EQ(ok.local_credentials(), kLocal);  // unchanged after the failed restart
}

}  // namespace
}  // namespace haven::sfu::ice
