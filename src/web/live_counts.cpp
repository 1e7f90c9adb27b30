// GET /statuses/:id/live: an open post page's counts as they move, as Server-Sent Events for
// site.js (EventSource sends the page's cookie, and reconnects by itself). What the API's
// kindred:status stream sends, for the page's own reader: the session cookie's account, or a
// signed-out visitor. Events:
//   event: counts  data: {"favourites_count":N,"reblogs_count":N,"replies_count":N}
//                  (favourites_count_hidden: true, and 0, where the author hid it)
//   event: delete  data: the post's id (deleted, or the reader was blocked); the stream ends.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "social/streaming/hub.h"
#include "web/page.h"
#include "web/routes.h"

namespace kindred::web {

namespace {

class CountsReader : public social::StreamSubscriber {
 public:
  explicit CountsReader(http::Stream stream) : stream_(std::move(stream)) {}

  void deliver(const social::StreamKey& key, const social::StreamItem& item) override {
    if (item.event == social::StreamItem::Event::kDelete) {
      stream_.send("event: delete\ndata: " + key.post.to_string() + "\n\n");
      stream_.close(1000, "");  // nothing more will come
      return;
    }
    if (item.event != social::StreamItem::Event::kCounts) return;
    // One post's readers in one tick share their bytes (rendered once).
    if (item.rendered != nullptr && !item.rendered->page.empty()) {
      stream_.send(item.rendered->page);
      return;
    }
    boost::json::object counts{{"favourites_count", item.counts->favourites},
                               {"reblogs_count", item.counts->reblogs},
                               {"replies_count", item.counts->replies}};
    if (item.favourites_hidden) counts["favourites_count_hidden"] = true;
    std::string text = "event: counts\ndata: " + boost::json::serialize(counts) + "\n\n";
    if (item.rendered != nullptr) item.rendered->page = text;
    stream_.send(std::move(text));
  }

 private:
  http::Stream stream_;
};

http::StreamAnswer refuse(int status, std::string_view sentence) {
  http::StreamAnswer answer;
  http::Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::string(sentence);
  answer.refusal = std::move(r);
  return answer;
}

}  // namespace

http::StreamAnswer open_live_counts(const WebServices& s, http::Request& req, const http::Stream& stream) {
  if (s.streams == nullptr) return refuse(404, "Live counts are off on this server.");
  if (stream.is_websocket()) return refuse(400, "This address sends Server-Sent Events, not a WebSocket.");
  bool stale = false;
  const auto me = routes_detail::signed_in(s, req, stale);
  const social::Viewer viewer{me ? me->account.id : Id()};
  const auto id = Id::parse(req.param("id"));
  // As the post's page answers: a post this reader may not see is not here.
  if (!id || !s.posts.get(viewer, *id).has_value()) return refuse(404, "This post is not here.");
  social::StreamHub* hub = s.streams;
  const std::string address = req.remote_ip;
  if (auto why = hub->caps().admit(viewer.account_id, address); !why.empty()) return refuse(429, why);
  auto reader = std::make_shared<CountsReader>(stream);
  hub->subscribe(reader, viewer, social::StreamKey{social::StreamName::kKindredStatus, "", Id(), *id});
  http::StreamAnswer answer;
  answer.on_close = [reader, hub, account = viewer.account_id, address] {
    hub->remove(reader.get());
    hub->caps().release(account, address);
  };
  return answer;
}

}  // namespace kindred::web
