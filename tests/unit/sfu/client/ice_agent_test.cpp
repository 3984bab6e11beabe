// IceAgent (the controlling side) against the SFU's IceLiteServer, in memory: its checks
// are what the ICE-lite server accepts, and it accepts only genuine answers. Also its
// full-ICE half (controlled role, answering a peer's checks), as Janus needs.
#include "sfu/client/ice_agent.h"

#include <gtest/gtest.h>

#include "sfu/ice/ice_lite_server.h"
#include "sfu/stun/builder.h"
#include "sfu/stun/message.h"

namespace haven::sfu {
namespace {

using Clock = std::chrono::steady_clock;

const ice::IceCredentials kServer{"Sufrag01", "serverPassword0123456789"};
const ice::IceCredentials kClient{"Cufrag01", "clientPassword0123456789"};
const Tuple kFrom = Tuple::v4({127, 0, 0, 1}, 40000);

struct Events : ice::IceLiteServer::Listener {
  int connected = 0;
  std::optional<Tuple> selected;
  void on_selected_tuple(const Tuple& t) override { selected = t; }
  void on_connected() override { ++connected; }
  void on_disconnected() override {}
};

TEST(IceAgent, ChecksCarryWhatAnIceLiteServerRequires) {
  IceAgent agent(kClient, kServer);
  const auto request = agent.make_request();
  ASSERT_TRUE(request);
  const auto m = stun::parse(*request);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message_class, stun::MessageClass::request);
  EXPECT_EQ(m->username, "Sufrag01:Cufrag01");
  EXPECT_TRUE(m->priority.has_value());
  EXPECT_EQ(*m->priority, (110u << 24) + (65535u << 8) + 255u);
  EXPECT_EQ(m->ice_controlling, agent.tie_breaker());
  EXPECT_FALSE(m->ice_controlled.has_value());
  EXPECT_TRUE(m->use_candidate);
  EXPECT_TRUE(m->has_integrity());
  EXPECT_TRUE(m->has_fingerprint);
  EXPECT_FALSE(stun::parse(*agent.make_request(false))->use_candidate);
  EXPECT_EQ(agent.requests_sent(), 2u);
}

TEST(IceAgent, IceLiteServerAcceptsItAndTheAgentAcceptsTheAnswer) {
  Events events;
  ice::IceLiteServer server(events, kServer);
  IceAgent agent(kClient, kServer);
  const auto response = server.handle_binding_request(*agent.make_request(), kFrom, Clock::now());
  ASSERT_TRUE(response);
  EXPECT_EQ(events.connected, 1);
  EXPECT_EQ(events.selected, kFrom);
  EXPECT_EQ(agent.handle_response(*response), IceAgent::Result::success);
  EXPECT_EQ(agent.mapped_address(), kFrom);
  EXPECT_EQ(agent.last_success_ufrag(), kServer.ufrag);
  EXPECT_EQ(agent.successes(), 1u);
  // The same answer twice: its transaction is done.
  EXPECT_EQ(agent.handle_response(*response), IceAgent::Result::not_ours);
}

TEST(IceAgent, WrongPasswordGets401AndTheAgentRecordsTheError) {
  Events events;
  ice::IceLiteServer server(events, kServer);
  IceAgent agent(kClient, {kServer.ufrag, "notTheServerPassword0000"});
  const auto response = server.handle_binding_request(*agent.make_request(), kFrom, Clock::now());
  ASSERT_TRUE(response);
  EXPECT_EQ(events.connected, 0);
  EXPECT_EQ(agent.handle_response(*response), IceAgent::Result::error);
  EXPECT_EQ(agent.last_error(), 401);
  EXPECT_EQ(agent.errors(), 1u);
}

TEST(IceAgent, ForgedOrForeignAnswersAreRejected) {
  IceAgent agent(kClient, kServer);
  const auto request = agent.make_request();
  const auto txid = stun::parse(*request)->transaction_id;
  // Right transaction, integrity keyed by the wrong password: invalid.
  auto forged =
      stun::MessageBuilder(stun::MessageClass::success_response, stun::kMethodBinding, txid)
          .xor_mapped_address(kFrom)
          .message_integrity("attackerPassword00000000")
          .fingerprint()
          .finish();
  EXPECT_EQ(agent.handle_response(*forged), IceAgent::Result::invalid);
  // Right key, unknown transaction: not ours.
  auto foreign = stun::MessageBuilder(stun::MessageClass::success_response, stun::kMethodBinding,
                                      stun::random_transaction_id())
                     .xor_mapped_address(kFrom)
                     .message_integrity(kServer.pwd)
                     .fingerprint()
                     .finish();
  EXPECT_EQ(agent.handle_response(*foreign), IceAgent::Result::not_ours);
  // Not STUN.
  const std::vector<std::uint8_t> junk(40, 0x80);
  EXPECT_EQ(agent.handle_response(junk), IceAgent::Result::not_ours);
  EXPECT_EQ(agent.successes(), 0u);
}

TEST(IceAgent, AnswersToChecksSentBeforeARestartStillVerify) {
  Events events;
  ice::IceLiteServer server(events, kServer);
  IceAgent agent(kClient, kServer);
  const auto old_request = agent.make_request();
  const ice::IceCredentials fresh_server{"Sufrag02", "serverPassword9999999999"};
  server.restart(fresh_server);
  agent.restart({"Cufrag02", "clientPassword9999999999"}, fresh_server);
  // The server still honours the old credentials until the new ones are used.
  const auto old_response = server.handle_binding_request(*old_request, kFrom, Clock::now());
  ASSERT_TRUE(old_response);
  EXPECT_EQ(agent.handle_response(*old_response), IceAgent::Result::success);
  EXPECT_EQ(agent.last_success_ufrag(), kServer.ufrag);
  const auto new_request = agent.make_request();
  EXPECT_EQ(stun::parse(*new_request)->username, "Sufrag02:Cufrag02");
  const auto new_response = server.handle_binding_request(*new_request, kFrom, Clock::now());
  EXPECT_EQ(agent.handle_response(*new_response), IceAgent::Result::success);
  EXPECT_EQ(agent.last_success_ufrag(), "Sufrag02");
}

TEST(IceAgent, ControlledChecksCarryIceControlledAndNeverNominate) {
  IceAgent agent(kClient, kServer);
  agent.set_controlling(false);
  EXPECT_FALSE(agent.controlling());
  const auto m = stun::parse(*agent.make_request());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->ice_controlled, agent.tie_breaker());
  EXPECT_FALSE(m->ice_controlling.has_value());
  EXPECT_FALSE(m->use_candidate);
}

TEST(IceAgent, AnswersAFullIcePeersCheckAndThePeerAcceptsTheAnswer) {
  IceAgent peer(kServer, kClient);  // the full-ICE server's side: checks the client
  IceAgent client(kClient, kServer);
  const auto response = client.answer_request(*peer.make_request(), kFrom);
  ASSERT_TRUE(response);
  const auto m = stun::parse(*response);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message_class, stun::MessageClass::success_response);
  EXPECT_EQ(m->xor_mapped_address, kFrom);
  EXPECT_EQ(peer.handle_response(*response), IceAgent::Result::success);
}

TEST(IceAgent, DoesNotAnswerChecksMeantForOthersOrForged) {
  IceAgent client(kClient, kServer);
  IceAgent stranger({"Xufrag01", "strangerPassword01234567"}, kClient);  // wrong ufrag pair
  EXPECT_FALSE(client.answer_request(*stranger.make_request(), kFrom));
  IceAgent forger(kServer, {kClient.ufrag, "notTheClientPassword0000"});  // wrong key
  EXPECT_FALSE(client.answer_request(*forger.make_request(), kFrom));
  // A response is not a request.
  IceAgent peer(kServer, kClient);
  const auto answer = client.answer_request(*peer.make_request(), kFrom);
  ASSERT_TRUE(answer);
  EXPECT_FALSE(client.answer_request(*answer, kFrom));
}

}  // namespace
}  // namespace haven::sfu
