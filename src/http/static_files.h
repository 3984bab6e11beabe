// The built web client (web/dist). Unknown paths without a file extension get index.html
// so client-side routes (/enroll, /admin, ...) load the app.
#pragma once

#include <string>

#include "api/route_table.h"

namespace haven {

class StaticFiles {
 public:
  explicit StaticFiles(std::string root);
  HttpResponse serve(const HttpRequest& request) const;
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

// Maps "/assets/app.js" to a file path under root, or "" for anything that could escape it
// (.., backslashes, NUL, encoded characters, hidden files).
std::string safe_relative_path(std::string_view url_path);

}  // namespace haven
