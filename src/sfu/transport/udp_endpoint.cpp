#include "sfu/transport/udp_endpoint.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
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

// Preallocated once per endpoint: no allocation per datagram (issue 8, step 4).
struct UdpEndpoint::Outgoing {
  std::array<std::array<std::uint8_t, kMaxDatagram>, kSendBatch> data{};
  std::array<sockaddr_storage, kSendBatch> to{};
  std::array<iovec, kSendBatch> iov{};
  std::array<mmsghdr, kSendBatch> msgs{};
  std::size_t queued = 0;
};

struct UdpEndpoint::Incoming {
  std::array<std::array<std::uint8_t, kReceiveBufferSize>, kReceiveBatch> data{};
  std::array<sockaddr_storage, kReceiveBatch> from{};
  // Room for one SCM_TIMESTAMPNS per datagram (measure_dwell()).
  static constexpr std::size_t kControlSize = CMSG_SPACE(sizeof(timespec));
  alignas(cmsghdr) std::array<std::array<std::uint8_t, kControlSize>, kReceiveBatch> control{};
  std::array<iovec, kReceiveBatch> iov{};
  std::array<mmsghdr, kReceiveBatch> msgs{};
};

UdpEndpoint::UdpEndpoint(net::io_context& ioc, const std::string& address, std::uint16_t port,
                         Listener& listener)
    : ioc_(ioc),
      socket_(ioc),
      listener_(listener),
      guard_(std::make_shared<char>()),
      in_(std::make_unique<Incoming>()),
      out_(std::make_unique<Outgoing>()) {
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
  flush();  // what was queued before closing still goes (a DTLS close_notify, say)
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
  Incoming& in = *in_;
  for (int taken = 0; taken < kMaxDatagramsPerTurn;) {
    if (!socket_.is_open()) return;
    for (std::size_t i = 0; i < kReceiveBatch; ++i) {
      in.iov[i] = {in.data[i].data(), kReceiveBufferSize};
      msghdr& m = in.msgs[i].msg_hdr;
      m = {};
      m.msg_name = &in.from[i];
      m.msg_namelen = sizeof(sockaddr_storage);
      m.msg_iov = &in.iov[i];
      m.msg_iovlen = 1;
      if (measure_dwell_) {
        m.msg_control = in.control[i].data();
        m.msg_controllen = Incoming::kControlSize;
      }
    }
    const int n = ::recvmmsg(socket_.native_handle(), in.msgs.data(),
                             static_cast<unsigned>(kReceiveBatch), MSG_DONTWAIT, nullptr);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        wait_readable();  // drained: the next datagram is a new readiness edge
        return;
      }
      // ICMP errors surface here on some systems (ECONNREFUSED); the socket stays usable.
      if (errno != EINTR) ++stats_.receive_errors;
      ++taken;
      continue;
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(n) && socket_.is_open(); ++i) deliver(i);
    taken += n;
  }
  // Still readable: continue after whatever else is queued on the io_context.
  net::post(ioc_, [this, weak = std::weak_ptr<char>(guard_)] {
    if (!weak.expired()) drain();
  });
}

void UdpEndpoint::deliver(std::size_t i) noexcept {
  Incoming& in = *in_;
  const mmsghdr& m = in.msgs[i];
  // A datagram longer than the buffer arrives cut to kReceiveBufferSize (MSG_TRUNC), which
  // is one more than any accepted datagram: the listener sees it is oversized.
  const std::size_t size = std::min<std::size_t>(m.msg_len, kReceiveBufferSize);
  udp::endpoint sender;
  if (m.msg_hdr.msg_namelen > sender.capacity()) {
    ++stats_.receive_errors;
    return;
  }
  std::memcpy(sender.data(), &in.from[i], m.msg_hdr.msg_namelen);
  sender.resize(m.msg_hdr.msg_namelen);
  ++stats_.datagrams_received;
  stats_.bytes_received += size;
  listener_.on_datagram(to_tuple(sender), std::span<std::uint8_t>(in.data[i].data(), size));
  // One system call for this datagram's whole fan-out, before handling the next: batching
  // across datagrams would hold early packets back for the later ones' work.
  flush();
  if (measure_dwell_) record_dwell(m.msg_hdr);
}

bool UdpEndpoint::measure_dwell() noexcept {
  const int on = 1;
  measure_dwell_ =
      ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == 0;
  return measure_dwell_;
}

// The kernel's receive time is CLOCK_REALTIME (socket(7), SO_TIMESTAMPNS).
void UdpEndpoint::record_dwell(const msghdr& received) noexcept {
  for (const cmsghdr* c = CMSG_FIRSTHDR(&received); c != nullptr;
       c = CMSG_NXTHDR(const_cast<msghdr*>(&received), const_cast<cmsghdr*>(c))) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
    timespec stamp{};
    std::memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    dwell_.record((now.tv_sec - stamp.tv_sec) * 1'000'000'000LL + (now.tv_nsec - stamp.tv_nsec));
    return;
  }
}

// The destination as the socket's family wants it: an IPv4 peer on a dual-stack socket as
// a v4-mapped IPv6 address.
udp::endpoint UdpEndpoint::destination_of(const Tuple& to) const {
  udp::endpoint destination = to_endpoint(to);
  if (v6_ && to.family == IpFamily::v4) {
    destination = udp::endpoint(
        net::ip::make_address_v6(net::ip::v4_mapped, destination.address().to_v4()), to.port);
  }
  return destination;
}

// One datagram straight to the kernel: for what does not fit a queue slot.
bool UdpEndpoint::send_now(const Tuple& to, std::span<const std::uint8_t> data) noexcept {
  const udp::endpoint destination = destination_of(to);
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

bool UdpEndpoint::send(const Tuple& to, std::span<const std::uint8_t> data) noexcept {
  if (!socket_.is_open() || data.empty() || (!v6_ && to.family == IpFamily::v6)) {
    ++stats_.send_errors;
    return false;
  }
  if (data.size() > kMaxDatagram) return send_now(to, data);
  Outgoing& out = *out_;
  const std::size_t i = out.queued++;
  std::memcpy(out.data[i].data(), data.data(), data.size());
  const udp::endpoint destination = destination_of(to);
  std::memcpy(&out.to[i], destination.data(), destination.size());
  out.iov[i] = {out.data[i].data(), data.size()};
  msghdr& m = out.msgs[i].msg_hdr;
  m = {};
  m.msg_name = &out.to[i];
  m.msg_namelen = static_cast<socklen_t>(destination.size());
  m.msg_iov = &out.iov[i];
  m.msg_iovlen = 1;
  if (out.queued == kSendBatch) {
    flush();
  } else if (!flush_posted_) {
    flush_posted_ = true;
    net::post(ioc_, [this, weak = std::weak_ptr<char>(guard_)] {
      if (weak.expired()) return;
      flush_posted_ = false;
      flush();
    });
  }
  return true;
}

void UdpEndpoint::flush() noexcept {
  Outgoing& out = *out_;
  std::size_t done = 0;
  while (done < out.queued && socket_.is_open()) {
    const int n = ::sendmmsg(socket_.native_handle(), &out.msgs[done],
                             static_cast<unsigned>(out.queued - done), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      // The first datagram left was refused (buffer full, ICMP error): drop it, go on.
      ++stats_.send_errors;
      ++done;
      continue;
    }
    for (int k = 0; k < n; ++k) {
      ++stats_.datagrams_sent;
      stats_.bytes_sent += out.iov[done + static_cast<std::size_t>(k)].iov_len;
    }
    done += static_cast<std::size_t>(n);
  }
  stats_.send_errors += out.queued - done;  // the socket closed under us
  out.queued = 0;
}

}  // namespace haven::sfu
