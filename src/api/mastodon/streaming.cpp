// Mastodon's streaming API: GET /api/v1/streaming (WebSocket), the Server-Sent Events endpoints
// /api/v1/streaming/user, /user/notification, /public[/local|/remote][/media], /hashtag[/local],
// and GET /api/v1/streaming/health. The streams themselves are social::StreamHub's; this file
// authenticates, applies the connection caps, and renders what the hub delivers as Mastodon's
// streaming server sends it.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <unordered_map>

#include "api/mastodon/entities/conversations.h"
#include "api/mastodon/handler.h"
#include "social/streaming/hub.h"

namespace kindred::api {

namespace json = boost::json;

namespace {

// Streams one connection may follow at once (each tag counts).
constexpr size_t kMaxStreamsPerConnection = 100;

// A stream named as Mastodon's clients name it: `stream` (and `tag` or `list`; Kindred's
// kindred:status takes `id`), or an error message.
struct Named {
  std::optional<social::StreamKey> key;
  std::string error;
};

Named name_stream(std::string_view stream, std::string_view tag, std::string_view list,
                  std::string_view post) {
  Named out;
  auto name = social::parse_stream_name(stream);
  if (!name) {
    out.error = "Unknown stream type";
    return out;
  }
  social::StreamKey key{*name, {}, {}};
  if (social::stream_needs_tag(*name)) {
    if (!tag.empty() && tag.front() == '#') tag.remove_prefix(1);
    if (tag.empty()) {
      out.error = "Missing tag name parameter";
      return out;
    }
    key.tag = social::ascii_lower(tag);  // as Post::tags and the tag timeline
  }
  if (*name == social::StreamName::kList) {
    if (list.empty()) {
      out.error = "Missing list name parameter";
      return out;
    }
    // An id that names no list is refused as another's list is (may_read).
    key.list = Id::parse(list).value_or(Id());
  }
  if (social::stream_needs_post(*name)) {
    if (post.empty()) {
      out.error = "Missing id parameter";
      return out;
    }
    // An id that names no post is refused as a post the reader may not see (may_read).
    key.post = Id::parse(post).value_or(Id());
  }
  out.key = std::move(key);
  return out;
}

// One open connection: what the hub delivers to it is rendered once per reader and queued on
// its stream (bounded: http/stream.h).
class Connection : public social::StreamSubscriber {
 public:
  Connection(ApiServices& s, http::Stream stream, Caller caller)
      : s_(s), stream_(std::move(stream)), caller_(std::move(caller)) {}

  void deliver(const social::StreamKey& key, const social::StreamItem& item) override {
    // The same bytes as the subscriber before this one, when the hub says they are shared.
    std::string* cached = nullptr;
    if (item.rendered != nullptr) {
      cached = stream_.is_websocket() ? &item.rendered->websocket : &item.rendered->event_stream;
      if (!cached->empty()) {
        stream_.send(*cached);
        return;
      }
    }
    std::string text = render(key, item);
    if (cached != nullptr) *cached = text;
    stream_.send(std::move(text));
  }

  // The message for `item` on `key` as Mastodon's streaming server sends it (a WebSocket JSON
  // message, or an SSE event).
  std::string render(const social::StreamKey& key, const social::StreamItem& item) const {
    std::string event;
    std::string payload;
    switch (item.event) {
      case social::StreamItem::Event::kUpdate:
      case social::StreamItem::Event::kStatusUpdate: {
        event = item.event == social::StreamItem::Event::kUpdate ? "update" : "status.update";
        entities::JsonWriter w(payload);
        entities::write_status(w, *item.post, s_.config);
        break;
      }
      case social::StreamItem::Event::kDelete:
        event = "delete";
        payload = item.deleted.to_string();
        break;
      case social::StreamItem::Event::kNotificationsMerged:
        event = "notifications_merged";
        payload = "1";  // as Mastodon's
        break;
      case social::StreamItem::Event::kFiltersChanged:
        event = "filters_changed";  // no payload, as Mastodon's
        break;
      case social::StreamItem::Event::kConversation: {
        event = "conversation";
        entities::JsonWriter w(payload);
        entities::write_conversation(w, *item.conversation, s_.config);
        break;
      }
      case social::StreamItem::Event::kNotification: {
        event = "notification";
        entities::JsonWriter w(payload);
        write_notification(w, *item.notification, s_.config);
        break;
      }
      case social::StreamItem::Event::kCounts: {
        event = "kindred.counts";
        json::object counts{{"id", item.counts->post_id.to_string()},
                            {"favourites_count", item.counts->favourites},
                            {"reblogs_count", item.counts->reblogs},
                            {"replies_count", item.counts->replies}};
        if (item.favourites_hidden) counts["favourites_count_hidden"] = true;
        payload = json::serialize(counts);
        break;
      }
    }
    if (!stream_.is_websocket()) return "event: " + event + "\ndata: " + payload + "\n\n";
    json::array names{json::string(social::stream_name(key.name))};
    if (!key.tag.empty()) names.emplace_back(key.tag);
    if (key.name == social::StreamName::kList) names.emplace_back(key.list.to_string());
    if (social::stream_needs_post(key.name)) names.emplace_back(key.post.to_string());
    json::object message{{"stream", std::move(names)}, {"event", event}};
    if (item.event != social::StreamItem::Event::kFiltersChanged) message["payload"] = payload;
    return json::serialize(message);
  }

  // Why the reader may not follow a stream: a message and its HTTP status; none when it may.
  struct Refusal {
    std::string message;
    int status = 0;
    explicit operator bool() const { return status != 0; }
  };

  // Subscribes as the reader may: personal streams need a signed-in reader whose token may read
  // them; a post's counts, a post the reader may see.
  Refusal subscribe(const std::shared_ptr<Connection>& self, const social::StreamKey& key) {
    if (auto why = may_read(key)) return why;
    if (s_.streams->subscriptions(this) >= kMaxStreamsPerConnection)
      return {"Too many subscriptions on this connection", 429};
    s_.streams->subscribe(self, caller_.viewer(), key);
    return {};
  }
  Refusal may_read(const social::StreamKey& key) const {
    if (social::stream_needs_post(key.name)) {
      // As GET /api/v1/statuses/:id answers it.
      if (key.post.is_none() || !s_.posts.get(caller_.viewer(), key.post).has_value())
        return {"Record not found", 404};
      return {};
    }
    if (!social::stream_is_personal(key.name)) return {};
    if (!caller_.account) return {"This stream requires an authenticated user", 401};
    if (key.name == social::StreamName::kList &&
        (key.list.is_none() || !s_.lists.get(caller_.account->id, key.list).has_value()))
      return {"Not authorized to stream this list", 401};
    return {};
  }

  // A {"type":"subscribe"|"unsubscribe","stream":...,"tag":...} message on the socket.
  void on_message(const std::shared_ptr<Connection>& self, std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) return send_error("Invalid JSON", 400);
    const json::object& o = v.as_object();
    auto field = [&](std::string_view name) -> std::string_view {
      const json::value* f = o.if_contains(name);
      return f && f->is_string() ? std::string_view(f->as_string()) : std::string_view();
    };
    const std::string_view type = field("type");
    if (type != "subscribe" && type != "unsubscribe") return send_error("Unknown message type", 400);
    Named named = name_stream(field("stream"), field("tag"), field("list"), field("id"));
    if (!named.key) return send_error(named.error, 400);
    if (type == "unsubscribe") return s_.streams->unsubscribe(this, *named.key);
    if (auto why = subscribe(self, *named.key)) send_error(why.message, why.status);
  }

  void send_error(std::string_view message, int status) {
    stream_.send(json::serialize(json::object{{"error", message}, {"status", status}}));
  }

 private:
  ApiServices& s_;
  http::Stream stream_;
  Caller caller_;
};

// The SSE endpoints' paths and their streams.
struct SsePath {
  const char* path;
  social::StreamName name;
};
constexpr SsePath kSsePaths[] = {
    {"/api/v1/streaming/user", social::StreamName::kUser},
    {"/api/v1/streaming/user/notification", social::StreamName::kUserNotification},
    {"/api/v1/streaming/public", social::StreamName::kPublic},
    {"/api/v1/streaming/public/local", social::StreamName::kPublicLocal},
    {"/api/v1/streaming/public/remote", social::StreamName::kPublicRemote},
    {"/api/v1/streaming/public/media", social::StreamName::kPublicMedia},
    {"/api/v1/streaming/public/local/media", social::StreamName::kPublicLocalMedia},
    {"/api/v1/streaming/public/remote/media", social::StreamName::kPublicRemoteMedia},
    {"/api/v1/streaming/hashtag", social::StreamName::kHashtag},
    {"/api/v1/streaming/hashtag/local", social::StreamName::kHashtagLocal},
    {"/api/v1/streaming/direct", social::StreamName::kDirect},
    {"/api/v1/streaming/list", social::StreamName::kList},
    {"/api/v1/kindred/streaming/status", social::StreamName::kKindredStatus},  // with `id`
};

http::StreamAnswer refuse(int status, std::string_view message) {
  http::StreamAnswer answer;
  answer.refusal = error_response(status, message);
  return answer;
}

// Opens a connection: the token (Authorization, Sec-WebSocket-Protocol or access_token), the
// caps, then the streams named by the path (SSE) or the query (WebSocket; more may follow as
// subscribe messages).
http::StreamAnswer open_stream(ApiServices& s, http::Request& req, const http::Stream& stream,
                               std::optional<social::StreamName> path_stream) {
  // Browsers cannot set headers on a WebSocket: Mastodon's web app passes the token as the
  // subprotocol, which the server echoes back.
  std::optional<std::string> protocol;
  if (auto p = req.header("sec-websocket-protocol"); p && !p->empty()) protocol = std::string(*p);
  if (protocol && bearer_token(req).empty())
    req.headers.emplace_back("authorization", "Bearer " + *protocol);
  if (bearer_token(req).empty()) return refuse(401, "Missing access token");
  auto caller = authenticate(s, req, AuthNeed::kApp, "read|read:statuses|read:notifications");
  if (!caller.has_value()) return http::StreamAnswer{error_response(caller.error()), {}, {}, {}};

  auto in = Input::from(req);
  if (!in.has_value()) return http::StreamAnswer{error_response(in.error()), {}, {}, {}};
  auto stream_param = in->string("stream");
  auto tag_param = in->string("tag");
  auto list_param = in->string("list");
  auto id_param = in->string("id");
  auto only_media = in->boolean("only_media");
  if (!stream_param.has_value() || !tag_param.has_value() || !list_param.has_value() ||
      !id_param.has_value() || !only_media.has_value())
    return refuse(400, "Invalid parameters");
  std::optional<social::StreamKey> initial;
  std::string initial_error;
  if (path_stream) {
    social::StreamName name = *path_stream;
    // Mastodon's /public?only_media=true is /public/media.
    if (only_media->value_or(false)) {
      if (name == social::StreamName::kPublic) name = social::StreamName::kPublicMedia;
      if (name == social::StreamName::kPublicLocal) name = social::StreamName::kPublicLocalMedia;
      if (name == social::StreamName::kPublicRemote) name = social::StreamName::kPublicRemoteMedia;
    }
    Named named = name_stream(social::stream_name(name), tag_param->value_or(""),
                              list_param->value_or(""), id_param->value_or(""));
    if (!named.key) return refuse(400, named.error);
    initial = named.key;
  } else if (*stream_param) {
    Named named = name_stream(**stream_param, tag_param->value_or(""), list_param->value_or(""),
                              id_param->value_or(""));
    initial = named.key;
    initial_error = named.error;
  } else if (!stream.is_websocket()) {
    return refuse(400, "Unknown stream type");
  }

  auto conn = std::make_shared<Connection>(s, stream, *caller);
  if (initial) {
    if (auto why = conn->may_read(*initial)) return refuse(why.status, why.message);
  }
  const Id account = caller->viewer().account_id;
  const std::string ip = req.remote_ip;
  social::StreamHub* hub = s.streams;
  if (auto why = hub->caps().admit(account, ip); !why.empty()) return refuse(429, why);

  http::StreamAnswer answer;
  if (protocol) answer.headers.emplace_back("Sec-WebSocket-Protocol", *protocol);
  if (initial) conn->subscribe(conn, *initial);
  if (!initial_error.empty()) conn->send_error(initial_error, 400);
  answer.on_message = [conn](std::string_view text) { conn->on_message(conn, text); };
  answer.on_close = [conn, hub, account, ip] {
    hub->remove(conn.get());
    hub->caps().release(account, ip);
  };
  return answer;
}

}  // namespace

std::string streaming_url(const ApiConfig& c) {
  if (c.base_url.rfind("https://", 0) == 0) return "wss://" + c.base_url.substr(8);
  if (c.base_url.rfind("http://", 0) == 0) return "ws://" + c.base_url.substr(7);
  return c.base_url;
}

void register_streaming_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/streaming/health", [](http::Request&) {
    http::Response res;
    res.content_type = "text/plain";
    res.body = "OK";
    return res;
  });
  if (s.streams == nullptr) return;
  router.add_stream("/api/v1/streaming", [&s](http::Request& req, const http::Stream& stream) {
    return open_stream(s, req, stream, std::nullopt);
  });
  for (const SsePath& p : kSsePaths) {
    const social::StreamName name = p.name;
    router.add_stream(p.path, [&s, name](http::Request& req, const http::Stream& stream) {
      return open_stream(s, req, stream, name);
    });
  }
}

}  // namespace kindred::api
