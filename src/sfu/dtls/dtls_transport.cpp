#include "sfu/dtls/dtls_transport.h"

#include <openssl/err.h>
#include <openssl/srtp.h>

#include <algorithm>
#include <array>
#include <utility>

#include "sfu/limits.h"

namespace haven::sfu {

namespace {

// RFC 5764 §4.2 exporter label.
constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";
// DTLS record content types occupy 20..63 of the first byte (RFC 7983 §7).
constexpr std::uint8_t kFirstDtlsByte = 20;
constexpr std::uint8_t kLastDtlsByte = 63;
constexpr std::size_t kMinMtu = 256;  // OpenSSL's dtls1_link_min_mtu()

std::chrono::milliseconds ceil_ms(std::chrono::microseconds us) {
  return std::chrono::ceil<std::chrono::milliseconds>(us);
}

}  // namespace

const char* to_string(DtlsState state) noexcept {
  switch (state) {
    case DtlsState::idle:
      return "idle";
    case DtlsState::connecting:
      return "connecting";
    case DtlsState::awaiting_fingerprint:
      return "awaiting_fingerprint";
    case DtlsState::connected:
      return "connected";
    case DtlsState::failed:
      return "failed";
    case DtlsState::closed:
      return "closed";
  }
  return "unknown";
}

DtlsTransport::DtlsTransport(const DtlsContext& context, DtlsRole role, Listener& listener,
                             Options options)
    : role_(role), listener_(listener), options_(options) {
  ossl::check(options_.mtu >= kMinMtu && options_.mtu <= kMaxDatagram,
              "DTLS transport: MTU out of range");
  ssl_.reset(SSL_new(context.get()));
  ossl::check(ssl_ != nullptr, "DTLS transport: SSL_new");
  SSL* ssl = ssl_.get();

  rbio_ = BIO_new(BIO_s_mem());
  wbio_ = BIO_new(BIO_s_mem());
  if (rbio_ == nullptr || wbio_ == nullptr) {
    BIO_free(rbio_);
    BIO_free(wbio_);
    rbio_ = wbio_ = nullptr;
    ossl::check(false, "DTLS transport: BIO_new");
  }
  // An empty read BIO must mean "no datagram yet" (retry), never EOF.
  BIO_set_mem_eof_return(rbio_, -1);
  // OpenSSL sizes DTLS output for the MTU itself: during a handshake it writes through an
  // internal buffering BIO that it flushes whenever the next record would overflow the MTU
  // (dtls1_do_write), so every write reaching this memory BIO is one datagram's worth of
  // records (e.g. a whole 700-byte server flight at MTU 1200, several at MTU 256). The
  // callback lifts each write out as its own datagram. Reading the memory BIO after the
  // flight instead would glue several datagrams into one larger than the MTU
  // (ex_dtls#31). Keeping the BIO empty also keeps BIO_wpending() at 0 when records are
  // written without the buffer (alerts, retransmissions after the handshake).
  BIO_set_callback_ex(wbio_, &DtlsTransport::bio_callback);
  BIO_set_callback_arg(wbio_, reinterpret_cast<char*>(this));
  SSL_set_bio(ssl, rbio_, wbio_);  // ssl owns both from here

  SSL_set_app_data(ssl, this);
  // SSL_OP_NO_QUERY_MTU (from the context) makes OpenSSL keep these across SSL_clear().
  ossl::check(DTLS_set_link_mtu(ssl, static_cast<long>(options_.mtu)) == 1,
              "DTLS transport: link MTU");
  ossl::check(SSL_set_mtu(ssl, static_cast<long>(options_.mtu)) > 0, "DTLS transport: MTU");
  DTLS_set_timer_cb(ssl, &DtlsTransport::timer_callback);

  if (role_ == DtlsRole::client) {
    SSL_set_connect_state(ssl);
  } else {
    SSL_set_accept_state(ssl);
  }
}

DtlsTransport::~DtlsTransport() {
  // The callbacks must not reach a half-destroyed object while SSL_free runs.
  if (wbio_ != nullptr) BIO_set_callback_ex(wbio_, nullptr);
}

long DtlsTransport::bio_callback(BIO* bio, int oper, const char* /*argp*/, std::size_t /*len*/,
                                 int /*argi*/, long /*argl*/, int ret, std::size_t* /*processed*/) {
  if (oper == (BIO_CB_WRITE | BIO_CB_RETURN) && ret > 0) {
    auto* self = reinterpret_cast<DtlsTransport*>(BIO_get_callback_arg(bio));
    if (self != nullptr) self->capture_written(bio);
  }
  // Before an operation a positive value lets it proceed; after it, the value returned
  // becomes the operation's result.
  return (oper & BIO_CB_RETURN) != 0 ? ret : 1;
}

unsigned int DtlsTransport::timer_callback(SSL* ssl, unsigned int previous_us) {
  auto* self = static_cast<DtlsTransport*>(SSL_get_app_data(ssl));
  const auto initial = std::chrono::microseconds(self->options_.initial_retransmit).count();
  const auto cap = std::chrono::microseconds(self->options_.max_retransmit).count();
  if (previous_us == 0) return static_cast<unsigned int>(initial);
  return static_cast<unsigned int>(std::min<long long>(2LL * previous_us, cap));
}

void DtlsTransport::capture_written(BIO* bio) noexcept {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  if (n > 0 && data != nullptr) {
    try {
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
      Output out;
      out.datagram.assign(bytes, bytes + n);
      outbox_.push_back(std::move(out));
    } catch (...) {
      ++stats_.errors;  // a lost datagram; DTLS retransmission recovers
    }
  }
  (void)BIO_reset(bio);
}

void DtlsTransport::emit(Output::Kind kind, std::optional<SrtpKeys> keys) {
  Output out;
  out.kind = kind;
  out.keys = std::move(keys);
  outbox_.push_back(std::move(out));
}

void DtlsTransport::deliver() {
  // Outputs are queued while OpenSSL runs and delivered here, at the end of each public
  // entry point, in order. A listener may feed our peer, whose answer may re-enter
  // receive(); that nested call only queues, and this loop delivers its outputs too.
  if (delivering_) return;
  delivering_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{delivering_};
  while (!outbox_.empty()) {
    Output out = std::move(outbox_.front());
    outbox_.pop_front();
    switch (out.kind) {
      case Output::Kind::datagram:
        ++stats_.datagrams_sent;
        stats_.largest_datagram_sent = std::max(stats_.largest_datagram_sent, out.datagram.size());
        listener_.send_datagram(out.datagram);
        break;
      case Output::Kind::connected:
        listener_.on_connected(*out.keys);
        break;
      case Output::Kind::failed:
        listener_.on_failed(failure_reason_);
        break;
      case Output::Kind::closed:
        listener_.on_closed();
        break;
    }
  }
}

void DtlsTransport::begin_handshake_clock() {
  state_ = DtlsState::connecting;
  handshake_started_ = std::chrono::steady_clock::now();
}

void DtlsTransport::start() noexcept {
  try {
    if (state_ != DtlsState::idle) return;
    begin_handshake_clock();
    if (role_ == DtlsRole::client) advance_handshake();
    deliver();
  } catch (...) {
    ++stats_.errors;
  }
}

void DtlsTransport::receive(std::span<const std::uint8_t> datagram) noexcept {
  try {
    ++stats_.datagrams_received;
    if (datagram.empty() || datagram.size() > kMaxDatagram || datagram[0] < kFirstDtlsByte ||
        datagram[0] > kLastDtlsByte) {
      ++stats_.datagrams_ignored;
      return;
    }
    switch (state_) {
      case DtlsState::idle:
        if (role_ == DtlsRole::client) {  // nothing can be for us before our ClientHello
          ++stats_.datagrams_ignored;
          return;
        }
        begin_handshake_clock();
        break;
      case DtlsState::failed:
      case DtlsState::closed:
        ++stats_.datagrams_ignored;
        return;
      default:
        break;
    }
    if (BIO_write(rbio_, datagram.data(), static_cast<int>(datagram.size())) !=
        static_cast<int>(datagram.size())) {
      ++stats_.errors;
      (void)BIO_reset(rbio_);
      return;
    }
    if (state_ == DtlsState::connecting) {
      advance_handshake();
    } else {
      read_records();
    }
    // Whatever OpenSSL did not consume (nothing, normally) must not prefix the next datagram.
    (void)BIO_reset(rbio_);
    deliver();
  } catch (...) {
    ++stats_.errors;
  }
}

void DtlsTransport::advance_handshake() {
  ERR_clear_error();
  const int r = SSL_do_handshake(ssl_.get());
  const int err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), r);
  if (r == 1) {
    ERR_clear_error();
    on_handshake_done();
    return;
  }
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
    ERR_clear_error();
    return;
  }
  fail(ssl_error_text("DTLS handshake failed", err));
}

void DtlsTransport::read_records() {
  // After the handshake the peer may still retransmit its last flight (our Finished was
  // lost): SSL_read answers that by retransmitting ours. Application data is dropped.
  std::array<std::uint8_t, kMaxDatagram> scratch;
  for (;;) {
    ERR_clear_error();
    const int r = SSL_read(ssl_.get(), scratch.data(), static_cast<int>(scratch.size()));
    if (r > 0) {
      ++stats_.application_records_ignored;
      continue;
    }
    const int err = SSL_get_error(ssl_.get(), r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      ERR_clear_error();
      return;
    }
    if (err == SSL_ERROR_ZERO_RETURN) {  // close_notify
      ERR_clear_error();
      state_ = DtlsState::closed;
      emit(Output::Kind::closed);
      return;
    }
    fail(ssl_error_text("DTLS read failed", err));
    return;
  }
}

void DtlsTransport::on_handshake_done() {
  // JG dtls.c: a peer that negotiated DTLS without use_srtp cannot carry media.
  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl_.get());
  profile_ = selected != nullptr ? srtp_profile_from_id(selected->id) : std::nullopt;
  if (!profile_) {
    fail("DTLS handshake completed without a supported SRTP profile");
    return;
  }
  peer_certificate_.reset(SSL_get1_peer_certificate(ssl_.get()));
  if (peer_certificate_ == nullptr) {
    fail("DTLS peer presented no certificate");
    return;
  }
  state_ = DtlsState::awaiting_fingerprint;
  try_release_keys();
}

void DtlsTransport::try_release_keys() {
  if (state_ != DtlsState::awaiting_fingerprint || !remote_fingerprint_) return;
  // The certificate is self-signed; the SDP fingerprint is the only thing binding it to
  // the signalled peer (RFC 8827 §6.5, RFC 5763 §5). No keys leave before this check.
  if (!fingerprint_matches(*remote_fingerprint_, peer_certificate_.get())) {
    // Tell the peer at once instead of leaving it to time out (RFC 5763 §5: the
    // association is torn down). OpenSSL has no call for an arbitrary fatal alert after
    // a finished handshake; close_notify is the alert it sends.
    ERR_clear_error();
    (void)SSL_shutdown(ssl_.get());
    ERR_clear_error();
    deliver();
    fail("DTLS peer certificate does not match the SDP fingerprint");
    return;
  }
  std::optional<SrtpKeys> keys = export_keys();
  if (!keys) {
    fail("DTLS-SRTP keying material export failed");
    return;
  }
  state_ = DtlsState::connected;
  emit(Output::Kind::connected, std::move(keys));
}

std::optional<SrtpKeys> DtlsTransport::export_keys() {
  const SrtpProfile profile = *profile_;
  const std::size_t key_len = srtp_key_length(profile);
  const std::size_t salt_len = srtp_salt_length(profile);
  const std::size_t total = 2 * (key_len + salt_len);
  std::array<std::uint8_t, 2 * SrtpMasterKey::kCapacity> material{};
  if (total > material.size()) return std::nullopt;
  if (SSL_export_keying_material(ssl_.get(), material.data(), total, kExporterLabel,
                                 sizeof kExporterLabel - 1, nullptr, 0, 0) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  // RFC 5764 §4.2: client_write_key | server_write_key | client_write_salt |
  // server_write_salt. Our outbound ("local") key is the one for our own role.
  const std::span<const std::uint8_t> m(material.data(), total);
  const SrtpMasterKey client(profile, m.subspan(0, key_len), m.subspan(2 * key_len, salt_len));
  const SrtpMasterKey server(profile, m.subspan(key_len, key_len),
                             m.subspan(2 * key_len + salt_len, salt_len));
  OPENSSL_cleanse(material.data(), material.size());
  SrtpKeys keys;
  keys.profile = profile;
  keys.local = role_ == DtlsRole::client ? client : server;
  keys.remote = role_ == DtlsRole::client ? server : client;
  if (keys.local.empty() || keys.remote.empty()) return std::nullopt;
  return keys;
}

bool DtlsTransport::set_remote_fingerprint(std::string_view sdp_value) noexcept {
  std::optional<Fingerprint> fp = parse_fingerprint(sdp_value);
  if (!fp) return false;
  set_remote_fingerprint(*fp);
  return true;
}

void DtlsTransport::set_remote_fingerprint(const Fingerprint& fingerprint) noexcept {
  try {
    remote_fingerprint_ = fingerprint;
    if (state_ == DtlsState::awaiting_fingerprint) {
      try_release_keys();
    } else if (state_ == DtlsState::connected &&
               !fingerprint_matches(fingerprint, peer_certificate_.get())) {
      // A re-offer naming another certificate: the keys in use belong to a peer the
      // signalling no longer vouches for.
      fail("SDP fingerprint changed and no longer matches the DTLS peer");
    }
    deliver();
  } catch (...) {
    ++stats_.errors;
  }
}

std::optional<std::chrono::milliseconds> DtlsTransport::next_timeout() const noexcept {
  if (state_ != DtlsState::connecting || !handshake_started_) return std::nullopt;
  const auto elapsed = std::chrono::steady_clock::now() - *handshake_started_;
  const auto budget = options_.handshake_timeout - elapsed;
  std::chrono::milliseconds deadline =
      std::max(std::chrono::milliseconds(0),
               ceil_ms(std::chrono::duration_cast<std::chrono::microseconds>(budget)));
  timeval tv{};
  if (DTLSv1_get_timeout(ssl_.get(), &tv) == 1) {
    const auto retransmit =
        ceil_ms(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
    deadline = std::min(deadline, retransmit);
  }
  return deadline;
}

void DtlsTransport::on_timeout() noexcept {
  try {
    if (state_ != DtlsState::connecting || !handshake_started_) return;
    if (std::chrono::steady_clock::now() - *handshake_started_ >= options_.handshake_timeout) {
      fail("DTLS handshake timed out");
      deliver();
      return;
    }
    ERR_clear_error();
    const int r = DTLSv1_handle_timeout(ssl_.get());  // 0: not expired yet, 1: resent
    if (r < 0) fail(ssl_error_text("DTLS retransmission limit reached", SSL_ERROR_SSL));
    deliver();
  } catch (...) {
    ++stats_.errors;
  }
}

void DtlsTransport::close() noexcept {
  try {
    if (state_ == DtlsState::failed || state_ == DtlsState::closed) return;
    const bool send_alert = state_ != DtlsState::idle;
    state_ = DtlsState::closed;
    if (send_alert) {
      ERR_clear_error();
      (void)SSL_shutdown(ssl_.get());
      ERR_clear_error();
      deliver();
    }
  } catch (...) {
    ++stats_.errors;
  }
}

void DtlsTransport::fail(std::string reason) {
  if (state_ == DtlsState::failed || state_ == DtlsState::closed) return;
  state_ = DtlsState::failed;
  failure_reason_ = std::move(reason);
  ERR_clear_error();
  emit(Output::Kind::failed);  // after the fatal alert OpenSSL may have queued
}

std::string DtlsTransport::ssl_error_text(const char* what, int ssl_error) {
  std::string text = what;
  const unsigned long code = ERR_peek_last_error();
  if (code != 0) {
    std::array<char, 256> buf{};
    ERR_error_string_n(code, buf.data(), buf.size());
    text += ": ";
    text += buf.data();
  } else {
    text += ": SSL error " + std::to_string(ssl_error);
  }
  ERR_clear_error();
  return text;
}

}  // namespace haven::sfu
