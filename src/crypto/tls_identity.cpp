#include "crypto/tls_identity.h"

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "crypto/key_files.h"
#include "crypto/openssl_handles.h"

namespace haven {
namespace {

using FilePtr = std::unique_ptr<FILE, decltype(&std::fclose)>;

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ossl::Deleter<X509_EXTENSION_free>> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  ossl::check(ext != nullptr, "X509V3_EXT_conf_nid");
  ossl::check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

std::string pem_of_key(EVP_PKEY* key) {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  ossl::check(
      bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
      "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string pem_of_cert(X509* cert) {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  ossl::check(bio && PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace

bool ensure_self_signed_certificate(const std::string& cert_path, const std::string& key_path) {
  namespace fs = std::filesystem;
  if (fs::exists(cert_path) && fs::exists(key_path)) return false;

  ossl::PKey key(EVP_EC_gen("P-256"));
  ossl::check(key != nullptr, "EVP_EC_gen");

  ossl::X509Ptr cert(X509_new());
  ossl::check(cert != nullptr, "X509_new");
  ossl::check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");  // v3

  unsigned char serial_bytes[16];
  ossl::check(RAND_bytes(serial_bytes, sizeof serial_bytes) == 1, "RAND_bytes");
  serial_bytes[0] &= 0x7f;  // positive (RFC 5280 §4.1.2.2)
  std::unique_ptr<BIGNUM, ossl::Deleter<BN_free>> serial(
      BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  ossl::check(serial && BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())),
              "serial");

  ossl::check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -24L * 3600) != nullptr,
              "notBefore");
  // 825 days: the longest validity browsers accept for a TLS server certificate.
  ossl::check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 825L * 24 * 3600) != nullptr,
              "notAfter");
  ossl::check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");

  X509_NAME* name = X509_get_subject_name(cert.get());
  ossl::check(
      X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("Haven"), -1, -1, 0) == 1 &&
          X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                                     0) == 1,
      "subject");
  ossl::check(X509_set_issuer_name(cert.get(), name) == 1, "issuer");

  add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");

  ossl::check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");

  write_private_file(key_path, pem_of_key(key.get()));
  write_private_file(cert_path, pem_of_cert(cert.get()));
  ::chmod(cert_path.c_str(), 0644);  // the certificate is public
  return true;
}

std::string certificate_fingerprint(const std::string& cert_path) {
  FilePtr file(std::fopen(cert_path.c_str(), "rb"), &std::fclose);
  ossl::check(file != nullptr, "open certificate");
  ossl::X509Ptr cert(PEM_read_X509(file.get(), nullptr, nullptr, nullptr));
  ossl::check(cert != nullptr, "PEM_read_X509");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ossl::check(X509_digest(cert.get(), EVP_sha256(), md, &len) == 1, "X509_digest");
  std::string out;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned i = 0; i < len; ++i) {
    if (i) out.push_back(':');
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 0xf]);
  }
  return out;
}

}  // namespace haven
