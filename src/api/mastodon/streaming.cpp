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

// Open streaming connections per account and per address, against ApiConfig's caps.
class ConnectionCounts {
 public:
  // Counts one more connection, or says which cap it would pass ("" when admitted).
  std::string admit(Id account, const std::string& ip, const ApiConfig& c) {
    std::scoped_lock lock(mutex_);
    if (!account.is_none() && c.streaming_per_account > 0 &&
        per_account_[account] >= c.streaming_per_account)
      return "Too many streaming connections for this account";
    if (c.streaming_per_ip > 0 && per_ip_[ip] >= c.streaming_per_ip)
      return "Too many streaming connections from this address";
    if (!account.is_none()) ++per_account_[account];
    ++per_ip_[ip];
    return "";
  }
  void release(Id account, const std::string& ip) {
    std::scoped_lock lock(mutex_);
    if (!account.is_none() && --per_account_[account] == 0) per_account_.erase(account);
    if (--per_ip_[ip] == 0) per_ip_.erase(ip);
  }

 private:
  std::mutex mutex_;
  std::unordered_map<Id, size_t> per_account_;
  std::unordered_map<std::string, size_t> per_ip_;
};

// Streams one connection may follow at once (each tag counts).
constexpr size_t kMaxStreamsPerConnection = 100;

// A stream named as Mastodon's clients name it: `stream` (and `tag`), or an error message.
struct Named {
  std::optional<social::StreamKey> key;
  std::string error;
};

Named name_stream(std::string_view stream, std::string_view tag, std::string_view list) {
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
    }
    if (!stream_.is_websocket()) {
      stream_.send("event: " + event + "\ndata: " + payload + "\n\n");
      return;
    }
    json::array names{json::string(social::stream_name(key.name))};
    if (!key.tag.empty()) names.emplace_back(key.tag);
    if (key.name == social::StreamName::kList) names.emplace_back(key.list.to_string());
    json::object message{{"stream", std::move(names)}, {"event", event}};
    if (item.event != social::StreamItem::Event::kFiltersChanged) message["payload"] = payload;
    stream_.send(json::serialize(message));
  }

  // Subscribes as the reader may: personal streams need a signed-in reader whose token may read
  // them. Returns an error message, or "".
  std::string subscribe(const std::shared_ptr<Connection>& self, const social::StreamKey& key) {
    if (auto why = may_read(key); !why.empty()) return why;
    if (s_.streams->subscriptions(this) >= kMaxStreamsPerConnection)
      return "Too many subscriptions on this connection";
    s_.streams->subscribe(self, caller_.viewer(), key);
    return "";
  }
  std::string may_read(const social::StreamKey& key) const {
    if (!social::stream_is_personal(key.name)) return "";
    if (!caller_.account) return "This stream requires an authenticated user";
    if (key.name == social::StreamName::kList &&
        (key.list.is_none() || !s_.lists.get(caller_.account->id, key.list).has_value()))
      return "Not authorized to stream this list";
    return "";
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
    Named named = name_stream(field("stream"), field("tag"), field("list"));
    if (!named.key) return send_error(named.error, 400);
    if (type == "unsubscribe") return s_.streams->unsubscribe(this, *named.key);
    if (auto why = subscribe(self, *named.key); !why.empty()) send_error(why, 401);
  }

  void send_error(std::string_view message, int status) {
    stream_.send(json::serialize(json::object{{"error", message}, {"status", status}}));
  }

 private:
  ApiServices& s_;
  http::Stream stream_;
  Caller caller_;
};

// The SSE endpoints' paths, after /api/v1/streaming/, and their streams.
struct SsePath {
  const char* path;
  social::StreamName name;
};
constexpr SsePath kSsePaths[] = {
    {"user", social::StreamName::kUser},
    {"user/notification", social::StreamName::kUserNotification},
    {"public", social::StreamName::kPublic},
    {"public/local", social::StreamName::kPublicLocal},
    {"public/remote", social::StreamName::kPublicRemote},
    {"public/media", social::StreamName::kPublicMedia},
    {"public/local/media", social::StreamName::kPublicLocalMedia},
    {"public/remote/media", social::StreamName::kPublicRemoteMedia},
    {"hashtag", social::StreamName::kHashtag},
    {"hashtag/local", social::StreamName::kHashtagLocal},
    {"direct", social::StreamName::kDirect},
    {"list", social::StreamName::kList},
};

http::StreamAnswer refuse(int status, std::string_view message) {
  http::StreamAnswer answer;
  answer.refusal = error_response(status, message);
  return answer;
}

// Opens a connection: the token (Authorization, Sec-WebSocket-Protocol or access_token), the
// caps, then the streams named by the path (SSE) or the query (WebSocket; more may follow as
// subscribe messages).
http::StreamAnswer open_stream(ApiServices& s, const std::shared_ptr<ConnectionCounts>& counts,
                               http::Request& req, const http::Stream& stream,
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
  auto only_media = in->boolean("only_media");
  if (!stream_param.has_value() || !tag_param.has_value() || !list_param.has_value() ||
      !only_media.has_value())
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
                              list_param->value_or(""));
    if (!named.key) return refuse(400, named.error);
    initial = named.key;
  } else if (*stream_param) {
    Named named = name_stream(**stream_param, tag_param->value_or(""), list_param->value_or(""));
    initial = named.key;
    initial_error = named.error;
  } else if (!stream.is_websocket()) {
    return refuse(400, "Unknown stream type");
  }

  auto conn = std::make_shared<Connection>(s, stream, *caller);
  if (initial) {
    if (auto why = conn->may_read(*initial); !why.empty()) return refuse(401, why);
  }
  const Id account = caller->viewer().account_id;
  const std::string ip = req.remote_ip;
  if (auto why = counts->admit(account, ip, s.config); !why.empty()) return refuse(429, why);

  http::StreamAnswer answer;
  if (protocol) answer.headers.emplace_back("Sec-WebSocket-Protocol", *protocol);
  if (initial) conn->subscribe(conn, *initial);
  if (!initial_error.empty()) conn->send_error(initial_error, 400);
  social::StreamHub* hub = s.streams;
  answer.on_message = [conn](std::string_view text) { conn->on_message(conn, text); };
  answer.on_close = [conn, hub, counts, account, ip] {
    hub->remove(conn.get());
    counts->release(account, ip);
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
  auto counts = std::make_shared<ConnectionCounts>();
  router.add_stream("/api/v1/streaming", [&s, counts](http::Request& req, const http::Stream& stream) {
    return open_stream(s, counts, req, stream, std::nullopt);
  });
  for (const SsePath& p : kSsePaths) {
    const social::StreamName name = p.name;
    router.add_stream(std::string("/api/v1/streaming/") + p.path,
                      [&s, counts, name](http::Request& req, const http::Stream& stream) {
                        return open_stream(s, counts, req, stream, name);
                      });
  }
}

}  // namespace kindred::api
