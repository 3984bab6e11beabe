#include "auth/qr_svg.h"

#include <qrencode.h>

#include <memory>
#include <sstream>

namespace haven {

std::string qr_svg(const std::string& text) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!qr) return {};
  const int quiet = 4;
  const int size = qr->width + 2 * quiet;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << size << ' ' << size
      << "\" shape-rendering=\"crispEdges\"><rect width=\"" << size << "\" height=\"" << size
      << "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  for (int y = 0; y < qr->width; ++y) {
    for (int x = 0; x < qr->width; ++x) {
      if (qr->data[y * qr->width + x] & 1) {  // bit 0: dark module
        svg << 'M' << (x + quiet) << ' ' << (y + quiet) << "h1v1h-1z";
      }
    }
  }
  svg << "\"/></svg>";
  return svg.str();
}

}  // namespace haven
