#include "sfu/transport/udp_endpoint.h"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <stdexcept>

#include "sfu/ice/tuple_asio.h"

namespace haven::sfu {

namespace net = boost::asio;
using udp = net::ip::udp;

namespace {

// Larger kernel buffers absorb bursts (a key frame from every publisher at once) while
// the media thread is busy; the kernel caps them at net.core.{r,w}mem_max.
constexpr int kSocketBufferBytes = 4 * 1024 * 1024;

}  // namespace

UdpEndpoint::UdpEndpoint(net::io_context& ioc, const std::string& address, std::uint16_t port,
                         Listener& listener)
    : ioc_(ioc), socket_(ioc), listener_(listener), guard_(std::make_shared<char>()) {
  boost::system::error_code ec;
  const auto ip = net::ip::make_address(address, ec);
  if (ec) throw std::runtime_error("SFU UDP: not an IP address: " + address);
  const udp::endpoint endpoint(ip, port);
  auto fail = [&](const char* what) {
    throw std::runtime_error("SFU UDP: cannot " + std::string(what) + " " + address + ":" +
                             std::to_string(port) + ": " + ec.message());
  };
  socket_.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  v6_ = ip.is_v6();
  // "::" accepts IPv4 peers too (as v4-mapped addresses, which to_tuple() unmaps).
  if (v6_ && ip.to_v6().is_unspecified()) socket_.set_option(net::ip::v6_only(false), ec);
  socket_.bind(endpoint, ec);
  if (ec) fail("bind");
  socket_.non_blocking(true, ec);
  if (ec) fail("configure");
  // Best effort: a smaller buffer still works.
  boost::system::error_code ignored;
  socket_.set_option(net::socket_base::receive_buffer_size(kSocketBufferBytes), ignored);
  socket_.set_option(net::socket_base::send_buffer_size(kSocketBufferBytes), ignored);
  const auto bound = socket_.local_endpoint(ec);
  if (ec) fail("query");
  local_port_ = bound.port();
  local_ = to_tuple(bound);
}

UdpEndpoint::~UdpEndpoint() {
  guard_.reset();
  close();
}

void UdpEndpoint::start() {
  wait_readable();
}

void UdpEndpoint::close() noexcept {
  boost::system::error_code ignored;
  if (socket_.is_open()) socket_.close(ignored);
}

void UdpEndpoint::wait_readable() {
  if (!socket_.is_open()) return;
  socket_.async_wait(udp::socket::wait_read,
                     [this, weak = std::weak_ptr<char>(guard_)](boost::system::error_code ec) {
                       if (weak.expired() || ec) return;  // destroyed, closed or cancelled
                       drain();
                     });
}

void UdpEndpoint::drain() {
  for (int n = 0; n < kMaxDatagramsPerTurn; ++n) {
    if (!socket_.is_open()) return;
    boost::system::error_code ec;
    const std::size_t size = socket_.receive_from(net::buffer(buffer_), sender_, 0, ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
      wait_readable();  // drained: the next datagram is a new readiness edge
      return;
    }
    if (ec) {
      // ICMP errors surface here on some systems (ECONNREFUSED); the socket stays usable.
      ++stats_.receive_errors;
      continue;
    }
    ++stats_.datagrams_received;
    stats_.bytes_received += size;
    listener_.on_datagram(to_tuple(sender_), std::span<std::uint8_t>(buffer_.data(), size));
  }
  // Still readable: continue after whatever else is queued on the io_context.
  net::post(ioc_, [this, weak = std::weak_ptr<char>(guard_)] {
    if (!weak.expired()) drain();
  });
}

bool UdpEndpoint::send(const Tuple& to, std::span<const std::uint8_t> data) noexcept {
  if (!socket_.is_open() || data.empty()) {
    ++stats_.send_errors;
    return false;
  }
  udp::endpoint destination = to_endpoint(to);
  if (v6_ && to.family == IpFamily::v4) {
    destination = udp::endpoint(
        net::ip::make_address_v6(net::ip::v4_mapped, destination.address().to_v4()), to.port);
  } else if (!v6_ && to.family == IpFamily::v6) {
    ++stats_.send_errors;
    return false;
  }
  boost::system::error_code ec;
  const std::size_t sent =
      socket_.send_to(net::buffer(data.data(), data.size()), destination, 0, ec);
  if (ec || sent != data.size()) {
    ++stats_.send_errors;
    return false;
  }
  ++stats_.datagrams_sent;
  stats_.bytes_sent += sent;
  return true;
}

}  // namespace haven::sfu
