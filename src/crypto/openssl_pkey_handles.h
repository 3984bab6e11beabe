// RAII owners for the OpenSSL 3 key-building and key-checking handles that only public-key
// import needs (WebAuthn credential keys); the common ones live in crypto/openssl_handles.h.
#pragma once

#include <openssl/core.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

#include <memory>

#include "crypto/openssl_handles.h"

namespace haven::ossl {

using PKeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;

}  // namespace haven::ossl
