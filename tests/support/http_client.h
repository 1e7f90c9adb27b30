#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::json {
class value;
}

namespace kindred::testing {

// A small blocking HTTP/1.1 client for tests (Boost.Beast underneath). It keeps one keep-alive
// connection and opens a new one when there is none or the server closed it (a request that
// fails on a reused connection before any reply byte arrives is retried once on a fresh one).
// Every call is bounded by timeout() (default 10 s), so a broken server fails a test instead of
// hanging it. Network failures never throw: the Reply has status 0 and says why in `error`.
// Not thread-safe: use one client per thread.
//
//   HttpClient client("127.0.0.1", server.port());
//   client.set_token(token);
//   auto reply = client.post_form("/api/v1/statuses", "status=hi");
//   EXPECT_EQ(reply.status, 200) << reply.body;
class HttpClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  struct Reply {
    int status = 0;     // 0: no reply arrived; `error` says why
    std::string body;   // empty for HEAD
    Headers headers;    // names lower-cased, in order received
    std::string error;  // empty when a reply arrived

    // The first value of header `name` (any case), or "" when absent.
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
    // The body parsed as JSON; a null value if it is not JSON. Include <boost/json.hpp> to use.
    boost::json::value json() const;
  };

  // One part of a multipart/form-data body; a part with a filename is a file upload.
  struct Part {
    std::string name;
    std::string value;
    std::string filename = "";      // "" for a plain field
    std::string content_type = "";  // "" to omit
  };

  // Connects lazily, on the first request. `host` is an address or a name.
  HttpClient(std::string host, uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // A token sent as "Authorization: Bearer <token>" with every request that does not carry its
  // own Authorization header or bearer_token argument. clear_token() stops sending it.
  void set_token(std::string token) { token_ = std::move(token); }
  void clear_token() { token_.clear(); }
  const std::string& token() const { return token_; }
  // The bound on every call (connect + write + read).
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Sends one request and reads the reply. `method` is any token ("GET", "PATCH", "PURGE").
  // A body is sent with Content-Length (also an empty one for POST, PUT and PATCH).
  // `headers` are sent as given; Host and User-Agent are added unless present.
  Reply request(std::string_view method, std::string_view target, std::string body = "",
                Headers headers = {});

  Reply get(std::string_view target, Headers headers = {});
  Reply head(std::string_view target, Headers headers = {});
  // `bearer_token`, when not empty, is used instead of the client's token for this call.
  Reply del(std::string_view target, std::string_view bearer_token = "");
  Reply post_json(std::string_view target, std::string json_body,
                  std::string_view bearer_token = "");
  Reply put_json(std::string_view target, std::string json_body,
                 std::string_view bearer_token = "");
  Reply patch_json(std::string_view target, std::string json_body,
                   std::string_view bearer_token = "");
  // `form_body` is already encoded: "a=1&b=x%20y" (see http::percent_encode).
  Reply post_form(std::string_view target, std::string form_body,
                  std::string_view bearer_token = "");
  Reply patch_form(std::string_view target, std::string form_body,
                   std::string_view bearer_token = "");
  Reply post_multipart(std::string_view target, const std::vector<Part>& parts,
                       std::string_view bearer_token = "");
  Reply patch_multipart(std::string_view target, const std::vector<Part>& parts,
                        std::string_view bearer_token = "");

  // On a fresh connection of its own: sends `bytes` as they are, then returns everything the
  // server sends until it closes the connection or timeout() passes. For malformed requests.
  std::string raw_exchange(std::string_view bytes);

  // Waits until the server closes the kept-alive connection (true) or `limit` passes, or data
  // arrives unasked (false). Either way the connection is dropped afterwards. True at once if
  // there is no connection.
  bool wait_until_closed(std::chrono::milliseconds limit);

  // Drops the kept-alive connection (the next request opens a new one).
  void close();
  // Whether a kept-alive connection is open (as far as the client knows).
  bool connected() const;
  // How many connections this client has opened (not counting raw_exchange), to test reuse.
  int connections_opened() const { return connections_opened_; }

 private:
  struct Impl;
  Reply send_with_body(std::string_view method, std::string_view target, std::string body,
                       std::string_view content_type, std::string_view bearer_token);
  Reply send_multipart(std::string_view method, std::string_view target,
                       const std::vector<Part>& parts, std::string_view bearer_token);

  std::string host_;
  uint16_t port_;
  std::string token_;
  std::chrono::milliseconds timeout_{10'000};
  int connections_opened_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kindred::testing
