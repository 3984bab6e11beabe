#include "crypto/openssl_handles.h"

#include <openssl/err.h>

#include <stdexcept>

namespace haven::ossl {

void check(bool ok, const char* what) {
  unsigned long first = ERR_get_error();
  clear_errors();
  if (ok) return;
  std::string message = what;
  if (first != 0) {
    char buf[256];
    ERR_error_string_n(first, buf, sizeof buf);
    message += ": ";
    message += buf;
  }
  throw std::runtime_error(message);
}

void clear_errors() {
  ERR_clear_error();
}

}  // namespace haven::ossl
