// Files shared in a session (docs/E2EE.md, "Chat and files"): the browser encrypts a file
// with a fresh key, uploads the ciphertext here as an opaque blob, and sends the file's id
// and key to the group in an MLS message. The server stores bytes it cannot read, hands
// them to anyone of the room, and deletes them when the room ends.
#include "api/handler_support.h"
#include "api/route_table.h"
#include "auth/rate_limiter.h"
#include "config/config.h"
#include "store/repositories.h"

namespace haven {
namespace {

constexpr int kUploadsPerMinute = 20;

ApiResult upload(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto room = open_room_for(ctx, s, ctx.path_param, Action::room_files, refusal);
  if (!room) return refusal;
  if (!s.limiter.allow("account:" + ctx.actor.user->id + "|file_upload", kUploadsPerMinute,
                       ctx.now)) {
    return error_result(errors::rate_limited());
  }
  const auto& body = ctx.request.body();
  ByteVector bytes(body.begin(), body.end());
  auto id = s.store.add_room_file(room->id, ctx.actor.user->id, bytes,
                                  s.config.max_room_file_bytes, ctx.now);
  if (!id) {
    return error_result({409, "room_files_full",
                         "This session's shared files reached their size limit."});
  }
  return {201,
          {{"file", {{"id", *id}, {"room_id", room->id}, {"size", bytes.size()}}}},
          {},
          "file.uploaded",
          *id,
          "file"};
}

ApiResult download(const RequestContext& ctx, Services& s) {
  auto file = s.store.find_room_file(ctx.path_param);
  if (!file) return error_result(errors::not_found());
  ApiResult refusal;
  if (!open_room_for(ctx, s, file->room_id, Action::room_files, refusal)) return refusal;
  ApiResult result{200, nullptr, {}, "file.downloaded", file->id, "file"};
  result.download_body.assign(file->body.begin(), file->body.end());
  result.download_type = "application/octet-stream";
  result.download_name = file->id + ".bin";
  return result;
}

}  // namespace

std::vector<Route> file_routes() {
  return {
      {http::verb::post, "/api/rooms/:id/files", Action::room_files, std::nullopt, upload, true},
      {http::verb::get, "/api/files/:id", Action::room_files, std::nullopt, download},
  };
}

}  // namespace haven
