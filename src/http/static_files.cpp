#include "http/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/api_error.h"

namespace haven {
namespace {

std::string_view mime_type(std::string_view path) {
  auto dot = path.rfind('.');
  auto ext = dot == std::string_view::npos ? std::string_view{} : path.substr(dot);
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool read_file(const std::string& path, std::string& out) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return true;
}

HttpResponse plain_error(http::status status, unsigned version, const char* code,
                         const char* message) {
  HttpResponse res{status, version};
  res.set(http::field::content_type, "application/json");
  res.body() = error_body({static_cast<int>(status), code, message});
  res.prepare_payload();
  return res;
}

}  // namespace

std::string safe_relative_path(std::string_view url_path) {
  if (url_path.empty() || url_path.front() != '/' || url_path.size() > 512) return {};
  std::string rel(url_path.substr(1));
  if (rel.empty()) return "index.html";
  for (char ch : rel) {
    if (ch == '\\' || ch == '%' || ch == '\0' || static_cast<unsigned char>(ch) < 0x20) return {};
  }
  std::size_t start = 0;
  while (start <= rel.size()) {
    auto slash = rel.find('/', start);
    auto segment =
        rel.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (segment.empty() || segment.front() == '.') return {};  // "", ".", "..", ".hidden"
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return rel;
}

StaticFiles::StaticFiles(std::string root) : root_(std::move(root)) {}

HttpResponse StaticFiles::serve(const HttpRequest& request) const {
  const unsigned version = request.version();
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    return plain_error(http::status::method_not_allowed, version, "method_not_allowed",
                       "This method is not allowed here.");
  }
  std::string_view target = request.target();
  auto path = target.substr(0, target.find('?'));
  auto rel = safe_relative_path(path);
  if (rel.empty()) {
    return plain_error(http::status::not_found, version, "not_found", "Not found.");
  }
  std::string body;
  std::string served = rel;
  if (!read_file(root_ + "/" + rel, body)) {
    // Client-side route (no extension in the last segment): the app shell.
    auto last = rel.substr(rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/') + 1);
    if (last.find('.') != std::string::npos || !read_file(root_ + "/index.html", body)) {
      return plain_error(http::status::not_found, version, "not_found", "Not found.");
    }
    served = "index.html";
  }
  HttpResponse res{http::status::ok, version};
  res.set(http::field::content_type, mime_type(served));
  // Vite's hashed assets never change; the shell must be fetched fresh to pick them up.
  res.set(http::field::cache_control,
          served.rfind("assets/", 0) == 0 ? "public, max-age=31536000, immutable" : "no-cache");
  if (request.method() == http::verb::head) {
    res.content_length(body.size());
  } else {
    res.body() = std::move(body);
    res.prepare_payload();
  }
  return res;
}

}  // namespace haven
