#include "auth/cose_key.h"

#include <openssl/core_names.h>
#include <sodium.h>

#include <array>
#include <exception>

#include "crypto/openssl_pkey_handles.h"

namespace haven::webauthn {
namespace {

// COSE key common parameters (RFC 9052 §7.1) and curve parameters (RFC 9053 §7.1, §7.2).
constexpr std::int64_t kLabelKty = 1;
constexpr std::int64_t kLabelAlg = 3;
constexpr std::int64_t kLabelCrv = -1;
constexpr std::int64_t kLabelX = -2;
constexpr std::int64_t kLabelY = -3;
constexpr std::int64_t kLabelD = -4;

constexpr std::int64_t kKtyOkp = 1;
constexpr std::int64_t kKtyEc2 = 2;
constexpr std::int64_t kCrvP256 = 1;
constexpr std::int64_t kCrvEd25519 = 6;

constexpr std::size_t kCoordinateBytes = 32;

CoseKeyResult failure(CoseKeyError error) {
  CoseKeyResult r;
  r.error = error;
  return r;
}

// The EC2 point as SEC 1 §2.3.3 uncompressed form 0x04 || x || y. OpenSSL's decoder refuses a
// point that is not on the curve; EVP_PKEY_public_check then repeats the full SP 800-56A
// §5.6.2.3.3 validation so an invalid-curve point never reaches signature verification.
CoseKeyResult ec2_key(const CborValue& x, const CborValue& y) {
  std::array<std::uint8_t, 1 + 2 * kCoordinateBytes> point{};
  point[0] = 0x04;
  std::copy(x.bytes.begin(), x.bytes.end(), point.begin() + 1);
  std::copy(y.bytes.begin(), y.bytes.end(), point.begin() + 1 + kCoordinateBytes);

  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  ossl::check(bld != nullptr, "OSSL_PARAM_BLD_new");
  ossl::check(
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) == 1 &&
          OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                           point.size()) == 1,
      "OSSL_PARAM_BLD_push");
  ossl::Params params(OSSL_PARAM_BLD_to_param(bld.get()));
  ossl::check(params != nullptr, "OSSL_PARAM_BLD_to_param");

  ossl::PKeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  ossl::check(ctx != nullptr && EVP_PKEY_fromdata_init(ctx.get()) == 1, "EVP_PKEY_fromdata_init");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ossl::clear_errors();  // expected for a point off the curve
    return failure(CoseKeyError::malformed);
  }
  CoseKeyResult r;
  r.key.reset(raw);

  ossl::PKeyCtx check_ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, r.key.get(), nullptr));
  ossl::check(check_ctx != nullptr, "EVP_PKEY_CTX_new_from_pkey");
  if (EVP_PKEY_public_check(check_ctx.get()) != 1) {
    ossl::clear_errors();
    return failure(CoseKeyError::malformed);
  }
  r.alg = kCoseAlgES256;
  return r;
}

// RFC 8032 §5.1.3 decoding happens only at verification time in OpenSSL, so check the point
// here: libsodium refuses non-canonical encodings, points off the curve and small-order
// points, none of which a genuine authenticator produces.
CoseKeyResult okp_key(const CborValue& x) {
  if (sodium_init() < 0 || crypto_core_ed25519_is_valid_point(x.bytes.data()) != 1) {
    return failure(CoseKeyError::malformed);
  }
  CoseKeyResult r;
  r.key.reset(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, x.bytes.data(), x.bytes.size()));
  if (!r.key) {
    ossl::clear_errors();
    return failure(CoseKeyError::malformed);
  }
  r.alg = kCoseAlgEdDSA;
  return r;
}

bool is_coordinate(const CborValue* v) {
  return v != nullptr && v->is_bytes() && v->bytes.size() == kCoordinateBytes;
}

CoseKeyResult convert(const CborValue& cose) {
  if (!cose.is_map()) return failure(CoseKeyError::malformed);
  const CborValue* kty = cose.find(kLabelKty);
  const CborValue* alg = cose.find(kLabelAlg);
  const CborValue* crv = cose.find(kLabelCrv);
  if (kty == nullptr || alg == nullptr || crv == nullptr) return failure(CoseKeyError::malformed);
  // kty and alg may be text in COSE generally, but no supported combination uses text values.
  auto kty_v = kty->as_int(), alg_v = alg->as_int(), crv_v = crv->as_int();
  if (!kty_v || !alg_v || !crv_v) return failure(CoseKeyError::unsupported_algorithm);
  // A public credential key has no business carrying a private scalar.
  if (cose.find(kLabelD) != nullptr) return failure(CoseKeyError::malformed);

  if (*kty_v == kKtyEc2 && *alg_v == kCoseAlgES256 && *crv_v == kCrvP256) {
    const CborValue* x = cose.find(kLabelX);
    const CborValue* y = cose.find(kLabelY);
    // y as a boolean is RFC 9053 §7.1.1 point compression, which WebAuthn does not use.
    if (!is_coordinate(x) || !is_coordinate(y)) return failure(CoseKeyError::malformed);
    return ec2_key(*x, *y);
  }
  if (*kty_v == kKtyOkp && *alg_v == kCoseAlgEdDSA && *crv_v == kCrvEd25519) {
    const CborValue* x = cose.find(kLabelX);
    if (!is_coordinate(x) || cose.find(kLabelY) != nullptr) {
      return failure(CoseKeyError::malformed);
    }
    return okp_key(*x);
  }
  return failure(CoseKeyError::unsupported_algorithm);
}

}  // namespace

CoseKeyResult cose_key_to_pkey(const CborValue& cose_key) {
  try {
    return convert(cose_key);
  } catch (const std::exception&) {  // ossl::check on an internal OpenSSL failure, or bad_alloc
    ossl::clear_errors();
    return failure(CoseKeyError::malformed);
  }
}

CoseKeyResult cose_key_to_pkey(std::span<const std::uint8_t> encoded) {
  auto decoded = decode_cbor(encoded);
  if (!decoded.ok()) return failure(CoseKeyError::malformed);
  return cose_key_to_pkey(decoded.value);
}

}  // namespace haven::webauthn
