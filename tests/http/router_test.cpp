#include "http/router.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace kindred::http {
namespace {

// A handler that answers with its name and the parameters it saw: "name id=1 x=2".
Handler named(std::string name) {
  return [name](Request& req) {
    Response res;
    res.body = name;
    for (const auto& [k, v] : req.path_params) res.body += " " + k + "=" + v;
    return res;
  };
}

Response call(const Router& router, Method method, std::string target) {
  Request req;
  req.method = method;
  req.set_target(std::move(target));
  return router.handle(req);
}

std::string header(const Response& res, std::string_view name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) return v;
  }
  return "<none>";
}

// The filter (rate limits) sees the route that will handle the request in one spelling, whatever
// spelling of the path reached it.
TEST(Router, FilterSeesTheMatchedRouteInOneSpelling) {
  Router router;
  router.add(Method::kPost, "/oauth/token/", named("token"));
  router.add(Method::kGet, "statuses/:id", named("status"));
  router.add(Method::kGet, "/", named("root"));
  std::vector<std::string> seen;
  router.set_filter([&seen](Request& req, Response&) -> std::optional<Response> {
    seen.emplace_back(req.route);
    return std::nullopt;
  });
  for (const char* target : {"/oauth/token", "/oauth/token/", "/oauth/token?x=1"})
    EXPECT_EQ(call(router, Method::kPost, target).body, "token") << target;
  EXPECT_EQ(call(router, Method::kGet, "/statuses/12/").body, "status id=12");
  EXPECT_EQ(call(router, Method::kGet, "/").body, "root");
  EXPECT_EQ(call(router, Method::kPost, "/oauth//token").status, 404);  // not a spelling of it
  EXPECT_EQ(call(router, Method::kPost, "/OAuth/token").status, 404);
  EXPECT_EQ(seen, (std::vector<std::string>{"/oauth/token", "/oauth/token", "/oauth/token",
                                            "/statuses/:id", "/"}));
}

// "@:acct" matches only a segment starting with '@' and holds what follows; a literal beats it,
// and it beats a plain parameter; other paths are untouched (404 and 405 as before).
TEST(Router, PrefixedParametersMatchOnlyTheirPrefix) {
  Router router;
  router.add(Method::kGet, "/@:acct", named("profile"));
  router.add(Method::kGet, "/@:acct/:id", named("post"));
  router.add(Method::kGet, "/@me/:id", named("mine"));
  router.add(Method::kPost, "/oauth/token", named("token"));
  EXPECT_EQ(call(router, Method::kGet, "/@lena").body, "profile acct=lena");
  EXPECT_EQ(call(router, Method::kGet, "/@l%C3%A9na").body, "profile acct=l\xC3\xA9na");
  EXPECT_EQ(call(router, Method::kGet, "/@lena/12").body, "post acct=lena id=12");
  EXPECT_EQ(call(router, Method::kGet, "/@me/12").body, "mine id=12");
  EXPECT_EQ(call(router, Method::kGet, "/lena/12").status, 404);
  EXPECT_EQ(call(router, Method::kHead, "/@lena").body, "profile acct=lena");
  // The prefix alone, or another first character, is not a match.
  EXPECT_EQ(call(router, Method::kGet, "/@").status, 404);
  EXPECT_EQ(call(router, Method::kGet, "/lena").status, 404);
  EXPECT_EQ(call(router, Method::kPost, "/foo").status, 404);
  // A path the prefixed route does not match keeps its own 405.
  Response get_token = call(router, Method::kGet, "/oauth/token");
  EXPECT_EQ(get_token.status, 405);
  EXPECT_EQ(header(get_token, "Allow"), "POST");
  Response post_profile = call(router, Method::kPost, "/@lena");
  EXPECT_EQ(post_profile.status, 405);
  EXPECT_EQ(header(post_profile, "Allow"), "GET, HEAD");
}

// A keep-alive connection reuses one Request: a request that matches nothing must not carry the
// route and parameters of the one before it (found by tests/fuzz/http_request_fuzz.cpp).
TEST(Router, ARequestMatchingNothingHasNoRouteFromTheOneBefore) {
  Router router;
  router.add(Method::kGet, "/statuses/:id", named("status"));
  Request req;
  req.method = Method::kGet;
  req.set_target("/statuses/7");
  ASSERT_EQ(router.handle(req).status, 200);
  EXPECT_EQ(req.route, "/statuses/:id");
  req.set_target("/nowhere");
  EXPECT_EQ(router.handle(req).status, 404);
  EXPECT_EQ(req.route, "");
  EXPECT_TRUE(req.path_params.empty());
}

TEST(Router, LiteralSegmentBeatsParameterRegardlessOfOrder) {
  Router router;
  router.add(Method::kGet, "/api/v1/accounts/:id", named("show"));
  router.add(Method::kGet, "/api/v1/accounts/verify_credentials", named("verify"));
  EXPECT_EQ(call(router, Method::kGet, "/api/v1/accounts/verify_credentials").body, "verify");
  EXPECT_EQ(call(router, Method::kGet, "/api/v1/accounts/123").body, "show id=123");
}

TEST(Router, LeftmostDifferenceDecidesBetweenPartlyLiteralPatterns) {
  Router router;
  router.add(Method::kGet, "/a/:x/c", named("first"));
  router.add(Method::kGet, "/a/b/:y", named("second"));
  EXPECT_EQ(call(router, Method::kGet, "/a/b/c").body, "second y=c");
  EXPECT_EQ(call(router, Method::kGet, "/a/z/c").body, "first x=z");
}

TEST(Router, ParametersArePercentDecodedButPlusStaysPlus) {
  Router router;
  router.add(Method::kGet, "/tags/:name", named("tag"));
  EXPECT_EQ(call(router, Method::kGet, "/tags/caf%C3%A9").body, "tag name=caf\xC3\xA9");
  EXPECT_EQ(call(router, Method::kGet, "/tags/a+b%2Fc").body, "tag name=a+b/c");
}

TEST(Router, MalformedEscapeInParameterIs400) {
  Router router;
  router.add(Method::kGet, "/tags/:name", named("tag"));
  Response res = call(router, Method::kGet, "/tags/bad%zz");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, R"({"error":"Malformed path"})");
}

TEST(Router, ParamReturnsEmptyForUnknownName) {
  Router router;
  std::string seen = "unset";
  router.add(Method::kGet, "/s/:id", [&](Request& req) {
    seen = std::string(req.param("id")) + "|" + std::string(req.param("nope"));
    return Response{};
  });
  call(router, Method::kGet, "/s/42");
  EXPECT_EQ(seen, "42|");
}

TEST(Router, OneTrailingSlashIsIgnored) {
  Router router;
  router.add(Method::kGet, "/api/v1/timelines/home", named("home"));
  router.add(Method::kGet, "/", named("root"));
  EXPECT_EQ(call(router, Method::kGet, "/api/v1/timelines/home/").body, "home");
  EXPECT_EQ(call(router, Method::kGet, "/").body, "root");
  EXPECT_EQ(call(router, Method::kGet, "/api/v1/timelines/home//").status, 404);
}

TEST(Router, QueryStringIsNotPartOfTheMatch) {
  Router router;
  router.add(Method::kGet, "/api/v1/statuses/:id", named("status"));
  EXPECT_EQ(call(router, Method::kGet, "/api/v1/statuses/7?with=1&x=/y").body, "status id=7");
}

TEST(Router, EmptySegmentDoesNotMatchAParameter) {
  Router router;
  router.add(Method::kGet, "/a/:x/b", named("x"));
  EXPECT_EQ(call(router, Method::kGet, "/a//b").status, 404);
}

TEST(Router, HeadFallsBackToGetButAHeadRouteWins) {
  Router router;
  router.add(Method::kGet, "/a", named("get a"));
  router.add(Method::kGet, "/b", named("get b"));
  router.add(Method::kHead, "/b", named("head b"));
  EXPECT_EQ(call(router, Method::kHead, "/a").body, "get a");
  EXPECT_EQ(call(router, Method::kHead, "/b").body, "head b");
  EXPECT_EQ(call(router, Method::kGet, "/b").body, "get b");
}

TEST(Router, UnknownPathIs404WithJsonError) {
  Router router;
  router.add(Method::kGet, "/a", named("a"));
  Response res = call(router, Method::kGet, "/nope");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body, R"({"error":"Not found"})");
  EXPECT_EQ(res.content_type, "application/json; charset=utf-8");
}

TEST(Router, CustomNotFoundHandlerIsUsed) {
  Router router;
  router.set_not_found([](Request& req) {
    Response res;
    res.status = 404;
    res.body = "custom " + req.path;
    return res;
  });
  EXPECT_EQ(call(router, Method::kGet, "/x?y").body, "custom /x");
}

TEST(Router, WrongMethodIs405AndListsAllowedMethods) {
  Router router;
  router.add(Method::kGet, "/a/:id", named("get"));
  router.add(Method::kPost, "/a/:id", named("post"));
  router.add(Method::kGet, "/a/literal", named("literal"));
  Response res = call(router, Method::kDelete, "/a/1");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.body, R"({"error":"Method not allowed"})");
  EXPECT_EQ(header(res, "Allow"), "GET, HEAD, POST");
}

TEST(Router, MethodIsMatchedBeforeSpecificity) {
  // POST /a/literal is served by POST /a/:id rather than refused for the literal GET route.
  Router router;
  router.add(Method::kPost, "/a/:id", named("post"));
  router.add(Method::kGet, "/a/literal", named("literal"));
  EXPECT_EQ(call(router, Method::kPost, "/a/literal").body, "post id=literal");
}

TEST(Router, CustomMethodNotAllowedHandlerStillGetsAllow) {
  Router router;
  router.add(Method::kPut, "/a", named("put"));
  router.set_method_not_allowed([](Request&) {
    Response res;
    res.status = 405;
    res.body = "nope";
    return res;
  });
  Response res = call(router, Method::kGet, "/a");
  EXPECT_EQ(res.body, "nope");
  EXPECT_EQ(header(res, "Allow"), "PUT");
}

TEST(Router, FirstRegistrationOfADuplicateWins) {
  Router router;
  router.add(Method::kGet, "/a", named("first"));
  router.add(Method::kGet, "/a", named("second"));
  EXPECT_EQ(call(router, Method::kGet, "/a").body, "first");
}

TEST(Router, FilterCanAnswerInsteadAndItsHeadersAreAlwaysKept) {
  Router router;
  int handled = 0;
  router.add(Method::kGet, "/a", [&](Request&) {
    ++handled;
    Response res;
    res.body = "ok";
    return res;
  });
  router.set_filter([](Request& req, Response& extra) -> std::optional<Response> {
    extra.set_header("X-RateLimit-Limit", "300");
    if (req.header("x-block")) {
      Response res;
      res.status = 429;
      res.body = R"({"error":"Too many requests"})";
      return res;
    }
    return std::nullopt;
  });

  Response ok = call(router, Method::kGet, "/a");
  EXPECT_EQ(ok.body, "ok");
  EXPECT_EQ(header(ok, "X-RateLimit-Limit"), "300");

  Request blocked;
  blocked.set_target("/a");
  blocked.headers.emplace_back("x-block", "1");
  Response res = router.handle(blocked);
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(header(res, "X-RateLimit-Limit"), "300");
  EXPECT_EQ(handled, 1);
}

TEST(Router, FilterDoesNotRunForUnmatchedPaths) {
  Router router;
  int filtered = 0;
  router.add(Method::kGet, "/a", named("a"));
  router.set_filter([&](Request&, Response&) -> std::optional<Response> {
    ++filtered;
    return std::nullopt;
  });
  EXPECT_EQ(call(router, Method::kGet, "/b").status, 404);
  EXPECT_EQ(call(router, Method::kPost, "/a").status, 405);
  EXPECT_EQ(filtered, 0);
}

TEST(Request, HeaderLookupIgnoresCaseAndSetTargetSplitsTheQuery) {
  Request req;
  req.headers.emplace_back("content-type", "application/json");
  EXPECT_EQ(req.header("Content-Type"), "application/json");
  EXPECT_FALSE(req.header("accept"));
  req.set_target("/p/a?x=1?y");
  EXPECT_EQ(req.path, "/p/a");
  EXPECT_EQ(req.query, "x=1?y");
  req.set_target("/q");
  EXPECT_EQ(req.query, "");
  EXPECT_EQ(method_name(Method::kPatch), "PATCH");
}

}  // namespace
}  // namespace kindred::http

namespace kindred::http {
namespace {

TEST(RouterBlocking, OnlyRoutesAddedAsBlockingAreBlocking) {
  Router r;
  r.add(Method::kPost, "/api/v1/statuses", [](Request&) { return Response{}; });
  r.add_blocking(Method::kPost, "/api/v1/accounts", [](Request&) { return Response{}; });
  Request req;
  req.method = Method::kPost;
  req.set_target("/api/v1/accounts?x=1");
  EXPECT_TRUE(r.is_blocking(req));
  req.set_target("/api/v1/statuses");
  EXPECT_FALSE(r.is_blocking(req));
  req.set_target("/nowhere");
  EXPECT_FALSE(r.is_blocking(req));
  req.method = Method::kGet;
  req.set_target("/api/v1/accounts");
  EXPECT_FALSE(r.is_blocking(req));  // no GET route there
}

Request request_for(Method method, std::string target) {
  Request req;
  req.method = method;
  req.set_target(std::move(target));
  return req;
}

TEST(RouterOptions, RouteOptionsSetBlockingAndBodyLimitPerRoute) {
  Router r;
  r.add(Method::kPost, "/media", named("upload"), {.blocking = true, .max_body_bytes = 17'000'000});
  r.add(Method::kPost, "/media/:id/small", named("small"), {.max_body_bytes = 10});
  r.add(Method::kPost, "/statuses", named("post"));
  EXPECT_TRUE(r.is_blocking(request_for(Method::kPost, "/media?x=1")));
  EXPECT_FALSE(r.is_blocking(request_for(Method::kPost, "/media/1/small")));
  EXPECT_EQ(r.max_body_bytes(request_for(Method::kPost, "/media/")), 17'000'000u);
  EXPECT_EQ(r.max_body_bytes(request_for(Method::kPost, "/media/1/small")), 10u);
  EXPECT_EQ(r.max_body_bytes(request_for(Method::kPost, "/statuses")), std::nullopt);
  EXPECT_EQ(r.max_body_bytes(request_for(Method::kPost, "/nowhere")), std::nullopt);
  // The path matches but not the method: no route, so no route limit.
  EXPECT_EQ(r.max_body_bytes(request_for(Method::kPut, "/media")), std::nullopt);
  EXPECT_EQ(call(r, Method::kPost, "/media").body, "upload");
}

TEST(RouterOptions, HeadFallbackUsesTheGetRoutesLimit) {
  Router r;
  r.add(Method::kGet, "/big", named("big"), {.max_body_bytes = 5000});
  EXPECT_EQ(r.max_body_bytes(request_for(Method::kHead, "/big")), 5000u);
}

TEST(RouterOptions, LargestBodyLimitIsTheMaximumOverRoutesOrZero) {
  Router r;
  r.add(Method::kGet, "/a", named("a"));
  EXPECT_EQ(r.largest_body_limit(), 0u);
  r.add(Method::kPost, "/b", named("b"), {.max_body_bytes = 100});
  r.add(Method::kPost, "/c", named("c"), {.max_body_bytes = 3000});
  r.add(Method::kPost, "/d", named("d"), {.max_body_bytes = 20});
  EXPECT_EQ(r.largest_body_limit(), 3000u);
}

TEST(RouterOptions, AddWithABoolAndAddBlockingStillWork) {
  Router r;
  r.add(Method::kPost, "/hash", named("hash"), true);
  r.add_blocking(Method::kPost, "/hash2", named("hash2"));
  r.add(Method::kPost, "/quick", named("quick"));
  EXPECT_TRUE(r.is_blocking(request_for(Method::kPost, "/hash")));
  EXPECT_TRUE(r.is_blocking(request_for(Method::kPost, "/hash2")));
  EXPECT_FALSE(r.is_blocking(request_for(Method::kPost, "/quick")));
  EXPECT_EQ(r.max_body_bytes(request_for(Method::kPost, "/hash")), std::nullopt);
}

}  // namespace
}  // namespace kindred::http
