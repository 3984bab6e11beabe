// A TCP acceptor that hands each accepted socket (on its own strand) to a callback.
#pragma once

#include <boost/asio.hpp>
#include <functional>
#include <string>

#include "config/config.h"

namespace haven {

class Listener {
 public:
  using OnAccept = std::function<void(boost::asio::ip::tcp::socket&&)>;
  // Throws std::runtime_error("cannot listen on HOST:PORT: reason").
  Listener(boost::asio::io_context& ioc, const HostPort& address, OnAccept on_accept);
  void start();
  void stop();

 private:
  void accept();

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  OnAccept on_accept_;
};

}  // namespace haven
