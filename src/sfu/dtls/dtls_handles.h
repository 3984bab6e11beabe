// OpenSSL owners the DTLS code needs beyond crypto/openssl_handles.h.
#pragma once

#include <openssl/bn.h>

#include "crypto/openssl_handles.h"

namespace haven::ossl {

using BigNum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

}  // namespace haven::ossl
