// QR codes as SVG (libqrencode), for TOTP enrollment. The SVG has no script and no
// style attribute, so the client can show it under the strict CSP as an <img>.
#pragma once

#include <string>

namespace haven {

// Error correction level M; 4-module quiet zone (ISO/IEC 18004 §6.3.8). Empty on failure.
std::string qr_svg(const std::string& text);

}  // namespace haven
