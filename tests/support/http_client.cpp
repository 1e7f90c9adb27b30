#include "support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <optional>

namespace kindred::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool has_named(const HttpClient::Headers& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (beast::iequals(h.first, name)) return true;
  }
  return false;
}

constexpr std::string_view kBoundary = "----kindred-test-boundary-3f9a1c";
constexpr uint64_t kMaxReplyBody = 256 * 1024 * 1024;

}  // namespace

std::string HttpClient::Reply::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (beast::iequals(n, name)) return v;
  }
  return {};
}

bool HttpClient::Reply::has_header(std::string_view name) const {
  for (const auto& h : headers) {
    if (beast::iequals(h.first, name)) return true;
  }
  return false;
}

boost::json::value HttpClient::Reply::json() const {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) return nullptr;
  return v;
}

struct HttpClient::Impl {
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  // Runs the asynchronous operation started by `start` to completion on our private
  // io_context; `stream`'s deadline (set by the caller) bounds it.
  template <class Start>
  beast::error_code run(Start&& start) {
    beast::error_code result = asio::error::would_block;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  beast::error_code connect(beast::tcp_stream& s, const std::string& host, uint16_t port,
                            std::chrono::milliseconds timeout) {
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return ec;
    s.expires_after(timeout);
    ec = run([&](auto handler) { s.async_connect(results, std::move(handler)); });
    if (!ec) s.socket().set_option(tcp::no_delay(true), ec);
    return ec;
  }

  void drop() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->close();
    }
    stream.reset();
    buffer.clear();
  }
};

HttpClient::HttpClient(std::string host, uint16_t port)
    : host_(std::move(host)), port_(port), impl_(std::make_unique<Impl>()) {}

HttpClient::~HttpClient() { close(); }

void HttpClient::close() { impl_->drop(); }

bool HttpClient::connected() const { return impl_->stream.has_value(); }

HttpClient::Reply HttpClient::request(std::string_view method, std::string_view target,
                                      std::string body, Headers headers) {
  Impl& d = *impl_;
  bhttp::request<bhttp::string_body> req;
  bhttp::verb verb = bhttp::string_to_verb(method);
  if (verb == bhttp::verb::unknown) {
    req.method_string(method);
  } else {
    req.method(verb);
  }
  req.target(target);
  req.version(11);
  if (!has_named(headers, "host")) req.set(bhttp::field::host, host_ + ":" + std::to_string(port_));
  if (!has_named(headers, "user-agent")) req.set(bhttp::field::user_agent, "kindred-test");
  if (!token_.empty() && !has_named(headers, "authorization")) {
    req.set(bhttp::field::authorization, "Bearer " + token_);
  }
  for (auto& [name, value] : headers) req.insert(name, value);
  bool has_body = !body.empty() || verb == bhttp::verb::post || verb == bhttp::verb::put ||
                  verb == bhttp::verb::patch;
  if (has_body) {
    req.body() = std::move(body);
    req.prepare_payload();
  }

  Reply reply;
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = d.stream.has_value();
    beast::error_code ec;
    if (!reused) {
      d.buffer.clear();
      d.stream.emplace(d.ioc);
      ec = d.connect(*d.stream, host_, port_, timeout_);
      if (ec) {
        d.drop();
        reply.error = "connect: " + ec.message();
        return reply;
      }
      ++connections_opened_;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxReplyBody);
    parser.header_limit(1024 * 1024);
    if (verb == bhttp::verb::head) parser.skip(true);
    d.stream->expires_after(timeout_);
    ec = d.run([&](auto handler) { bhttp::async_write(*d.stream, req, std::move(handler)); });
    if (!ec) {
      ec = d.run([&](auto handler) {
        bhttp::async_read(*d.stream, d.buffer, parser, std::move(handler));
      });
    }
    if (ec) {
      d.drop();
      // A kept-alive connection the server already closed: try once more on a fresh one.
      if (reused && !parser.got_some()) continue;
      reply.error = "request: " + ec.message();
      return reply;
    }
    auto& res = parser.get();
    reply.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      reply.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    }
    reply.body = std::move(res.body());
    if (!res.keep_alive()) d.drop();
    return reply;
  }
  return reply;
}

HttpClient::Reply HttpClient::get(std::string_view target, Headers headers) {
  return request("GET", target, "", std::move(headers));
}

HttpClient::Reply HttpClient::head(std::string_view target, Headers headers) {
  return request("HEAD", target, "", std::move(headers));
}

HttpClient::Reply HttpClient::del(std::string_view target, std::string_view bearer_token) {
  Headers headers;
  if (!bearer_token.empty())
    headers.emplace_back("Authorization", "Bearer " + std::string(bearer_token));
  return request("DELETE", target, "", std::move(headers));
}

HttpClient::Reply HttpClient::send_with_body(std::string_view method, std::string_view target,
                                             std::string body, std::string_view content_type,
                                             std::string_view bearer_token) {
  Headers headers;
  headers.emplace_back("Content-Type", std::string(content_type));
  if (!bearer_token.empty())
    headers.emplace_back("Authorization", "Bearer " + std::string(bearer_token));
  return request(method, target, std::move(body), std::move(headers));
}

HttpClient::Reply HttpClient::post_json(std::string_view target, std::string json_body,
                                        std::string_view bearer_token) {
  return send_with_body("POST", target, std::move(json_body), "application/json", bearer_token);
}

HttpClient::Reply HttpClient::put_json(std::string_view target, std::string json_body,
                                       std::string_view bearer_token) {
  return send_with_body("PUT", target, std::move(json_body), "application/json", bearer_token);
}

HttpClient::Reply HttpClient::patch_json(std::string_view target, std::string json_body,
                                         std::string_view bearer_token) {
  return send_with_body("PATCH", target, std::move(json_body), "application/json", bearer_token);
}

HttpClient::Reply HttpClient::post_form(std::string_view target, std::string form_body,
                                        std::string_view bearer_token) {
  return send_with_body("POST", target, std::move(form_body), "application/x-www-form-urlencoded",
                        bearer_token);
}

HttpClient::Reply HttpClient::patch_form(std::string_view target, std::string form_body,
                                         std::string_view bearer_token) {
  return send_with_body("PATCH", target, std::move(form_body), "application/x-www-form-urlencoded",
                        bearer_token);
}

HttpClient::Reply HttpClient::send_multipart(std::string_view method, std::string_view target,
                                             const std::vector<Part>& parts,
                                             std::string_view bearer_token) {
  std::string body;
  for (const Part& p : parts) {
    body.append("--").append(kBoundary).append("\r\n");
    body.append("Content-Disposition: form-data; name=\"").append(p.name).append("\"");
    if (!p.filename.empty()) body.append("; filename=\"").append(p.filename).append("\"");
    body.append("\r\n");
    if (!p.content_type.empty())
      body.append("Content-Type: ").append(p.content_type).append("\r\n");
    body.append("\r\n").append(p.value).append("\r\n");
  }
  body.append("--").append(kBoundary).append("--\r\n");
  std::string content_type = "multipart/form-data; boundary=" + std::string(kBoundary);
  return send_with_body(method, target, std::move(body), content_type, bearer_token);
}

HttpClient::Reply HttpClient::post_multipart(std::string_view target,
                                             const std::vector<Part>& parts,
                                             std::string_view bearer_token) {
  return send_multipart("POST", target, parts, bearer_token);
}

HttpClient::Reply HttpClient::patch_multipart(std::string_view target,
                                              const std::vector<Part>& parts,
                                              std::string_view bearer_token) {
  return send_multipart("PATCH", target, parts, bearer_token);
}

std::string HttpClient::raw_exchange(std::string_view bytes) {
  Impl& d = *impl_;
  beast::tcp_stream s(d.ioc);
  std::string received;
  if (d.connect(s, host_, port_, timeout_)) return received;
  s.expires_after(timeout_);
  beast::error_code ec = d.run([&](auto handler) {
    asio::async_write(s, asio::buffer(bytes.data(), bytes.size()), std::move(handler));
  });
  char chunk[4096];
  while (!ec) {
    std::size_t n = 0;
    ec = d.run([&](auto handler) {
      s.async_read_some(asio::buffer(chunk),
                        [&n, h = std::move(handler)](beast::error_code e, std::size_t got) mutable {
                          n = got;
                          h(e);
                        });
    });
    received.append(chunk, n);
  }
  beast::error_code ignored;
  s.socket().close(ignored);
  return received;
}

bool HttpClient::wait_until_closed(std::chrono::milliseconds limit) {
  Impl& d = *impl_;
  if (!d.stream) return true;
  char byte;
  d.stream->expires_after(limit);
  beast::error_code ec = d.run(
      [&](auto handler) { d.stream->async_read_some(asio::buffer(&byte, 1), std::move(handler)); });
  bool closed = ec == asio::error::eof || ec == asio::error::connection_reset;
  d.drop();
  return closed;
}

}  // namespace kindred::testing
