// Plain-HTTP answers on the metrics address: GET /metrics and nothing else. Meant for a
// scraper on a private interface; it serves no PHI and takes no input but the path.
#pragma once

#include <boost/asio.hpp>

namespace haven {

class Metrics;

void serve_metrics_connection(boost::asio::ip::tcp::socket&& socket, const Metrics& metrics);

}  // namespace haven
