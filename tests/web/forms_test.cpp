// The web pages' forms through the real server, as a browser without JavaScript uses them:
// signing up, in and out on server-side sessions; the CSRF token and Origin check every form
// passes; a post's forms (like, save, comment, reply, delete) and its author's (comment settings,
// pins, hiding, held comments); the composer; and the session cookie on the API, which only the
// site's own scripts may use.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "http/form.h"
#include "media/synth.h"
#include "support/api_fixture.h"
#include "support/web_browser.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
using Fields = WebBrowser::Fields;

bool has(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

std::string jpeg(int width, int height, uint64_t seed) {
  media::SynthSpec spec;
  spec.width = width;
  spec.height = height;
  spec.seed = seed;
  auto bytes = media::synthesize_image(spec);
  EXPECT_TRUE(bytes.has_value());
  return bytes.has_value() ? *bytes : std::string();
}

class WebForms : public ThreePeopleApi {
 protected:
  explicit WebForms(ServerOptions options = {}) : ThreePeopleApi(options) {}

  WebBrowser browser() { return WebBrowser(instance().port()); }
  // A browser signed in as `who`.
  WebBrowser signed_in(const User& who) {
    WebBrowser b = browser();
    EXPECT_TRUE(b.sign_in(who.username, kPassword)) << who.username;
    return b;
  }
  bj::object status(const std::string& id, const std::string& token) {
    Reply r = get("/api/v1/statuses/" + id, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }
  std::string page_of(const std::string& id) {
    return local_path(std::string(status(id, ann_.token)["url"].as_string()));
  }
};

// --- signing up, in and out ---

TEST_F(WebForms, SignUpBeginsASessionAndTheHeaderNamesThePerson) {
  WebBrowser b = browser();
  Reply form = b.get("/auth/sign_up");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(has(form.header("set-cookie"), "kindred_csrf=")) << "the form's token cookie";
  Reply r = b.post("/auth/sign_up", {{"username", "dana"}, {"email", "dana@example.com"},
                                     {"password", "a good long password"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.header("location"), "/home");
  const std::string cookie = r.header("set-cookie");
  EXPECT_TRUE(has(cookie, "kindred_session=")) << cookie;
  EXPECT_TRUE(has(cookie, "HttpOnly")) << cookie;
  EXPECT_TRUE(has(cookie, "SameSite=Lax")) << cookie;
  EXPECT_TRUE(has(cookie, "; Secure")) << "the test server's base URL is https: " << cookie;
  Reply home = b.get("/explore");
  EXPECT_TRUE(has(home.body, "action=\"/auth/sign_out\"")) << home.body;
  EXPECT_TRUE(has(home.body, "href=\"/@dana\"")) << home.body;
  // The account exists and signs in on the API too.
  Reply grant = password_grant(default_app(), "dana", "a good long password");
  EXPECT_EQ(grant.status, 200) << grant.body;
}

TEST_F(WebForms, SignUpErrorsAreSentencesNextToTheFieldAndNothingIsCreated) {
  WebBrowser b = browser();
  b.get("/auth/sign_up");
  struct Case {
    Fields fields;
    std::string field_error_id, words;
  };
  const std::vector<Case> cases = {
      {{{"username", "ann"}, {"email", "x@example.com"}, {"password", "long enough pw"}},
       "username-error", "Someone already has that username"},
      {{{"username", "bad name!"}, {"email", "x@example.com"}, {"password", "long enough pw"}},
       "username-error", "letters, numbers and underscores"},
      {{{"username", "newbie"}, {"email", "not-an-email"}, {"password", "long enough pw"}},
       "email-error", "does not look like an email address"},
      {{{"username", "newbie"}, {"email", "x@example.com"}, {"password", "short"}},
       "password-error", "at least 8 characters"},
      {{{"username", ""}, {"email", "x@example.com"}, {"password", "long enough pw"}},
       "username-error", "Choose a username"},
  };
  for (const auto& c : cases) {
    Reply r = b.post("/auth/sign_up", c.fields);
    EXPECT_EQ(r.status, 422) << c.words;
    EXPECT_TRUE(has(r.body, "id=\"" + c.field_error_id + "\">")) << c.words << r.body;
    EXPECT_TRUE(has(r.body, c.words)) << r.body;
    EXPECT_TRUE(has(r.body, "aria-invalid=\"true\"")) << c.words;
    EXPECT_FALSE(has(r.header("set-cookie"), "kindred_session=")) << c.words;
  }
  EXPECT_EQ(get("/api/v1/accounts/lookup?acct=newbie").status, 404);
}

TEST_F(WebForms, SignInWithAWrongPasswordSaysSoWithoutSayingWhichWasWrong) {
  WebBrowser b = browser();
  b.get("/auth/sign_in");
  Reply wrong = b.post("/auth/sign_in", {{"username", "ann"}, {"password", "nope nope nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_TRUE(has(wrong.body, "do not match an account here")) << wrong.body;
  EXPECT_TRUE(has(wrong.body, "value=\"ann\"")) << "the username stays filled in";
  Reply nobody = b.post("/auth/sign_in", {{"username", "nobody"}, {"password", "nope nope nope"}});
  EXPECT_EQ(nobody.status, 401);
  EXPECT_TRUE(has(nobody.body, "do not match an account here"));
  EXPECT_EQ(b.cookies().count("kindred_session"), 0u);
}

TEST_F(WebForms, SignInRotatesTheSessionAndGoesBackWhereThePersonWas) {
  WebBrowser b = signed_in(ann_);
  const std::string first = b.cookies().at("kindred_session");
  b.get("/auth/sign_in?return_to=%2Fexplore");  // already signed in: sent on
  // Signing in again (as another person on the same browser) ends the first session.
  b.clear_cookies();
  b.set_cookie("kindred_session", first);
  Reply form = b.get("/explore");
  ASSERT_EQ(form.status, 200);
  b.get("/auth/sign_in");  // signed in: redirected, token of the session kept
  Reply r = b.post("/auth/sign_in", {{"username", "bob"}, {"password", std::string(kPassword)},
                                     {"return_to", "/tags/cats"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.header("location"), "/tags/cats");
  EXPECT_NE(b.cookies().at("kindred_session"), first);
  WebBrowser old = browser();
  old.set_cookie("kindred_session", first);
  Reply stale = old.get("/explore");
  EXPECT_FALSE(has(stale.body, "action=\"/auth/sign_out\"")) << "the old session ended";
  EXPECT_TRUE(has(stale.header("set-cookie"), "kindred_session=; ")) << "and its cookie is removed";
}

TEST_F(WebForms, ReturnToNeverLeavesTheSite) {
  for (const char* to : {"https://evil.example/", "//evil.example/x", "/\\evil.example",
                               "javascript:alert(1)"}) {
    WebBrowser b = browser();
    b.get("/auth/sign_in");
    Reply r = b.post("/auth/sign_in",
                     {{"username", "ann"}, {"password", std::string(kPassword)}, {"return_to", std::string(to)}});
    ASSERT_EQ(r.status, 303) << to;
    EXPECT_EQ(r.header("location"), "/") << to;
  }
}

TEST_F(WebForms, SignOutEndsTheSessionOnTheServer) {
  WebBrowser b = signed_in(ann_);
  const std::string secret = b.cookies().at("kindred_session");
  b.get("/explore");
  Reply r = b.post("/auth/sign_out", {});
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(r.header("location"), "/");
  WebBrowser thief = browser();
  thief.set_cookie("kindred_session", secret);
  EXPECT_FALSE(has(thief.get("/explore").body, "action=\"/auth/sign_out\""));
}

TEST_F(WebForms, ClosedRegistrationsShowNoForm) {
  // (ThreePeopleApi runs with open registrations; the closed case is its own fixture below.)
  WebBrowser b = browser();
  EXPECT_TRUE(has(b.get("/auth/sign_up").body, "action=\"/auth/sign_up\""));
}

// Without ThreePeopleApi's sign-ups, which these registration modes would refuse or hold.
class ClosedWebForms : public ApiTest {
 protected:
  ClosedWebForms() : ApiTest({.registrations = social::RegistrationMode::kClosed}) {}
  WebBrowser browser() { return WebBrowser(instance().port()); }
};

TEST_F(ClosedWebForms, SignUpIsRefusedInWords) {
  WebBrowser b = browser();
  Reply page = b.get("/auth/sign_up");
  EXPECT_TRUE(has(page.body, "not taking new accounts")) << page.body;
  EXPECT_FALSE(has(page.body, "action=\"/auth/sign_up\""));
  b.get("/auth/sign_in");
  Reply r = b.post("/auth/sign_up", {{"username", "eve"}, {"email", "eve@example.com"},
                                     {"password", "long enough pw"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(get("/api/v1/accounts/lookup?acct=eve").status, 404);
}

class ApprovalWebForms : public ApiTest {
 protected:
  ApprovalWebForms() : ApiTest({.registrations = social::RegistrationMode::kApproval}) {}
  WebBrowser browser() { return WebBrowser(instance().port()); }
};

TEST_F(ApprovalWebForms, ARequestToJoinWaitsAndCannotSignInYet) {
  WebBrowser b = browser();
  Reply form = b.get("/auth/sign_up");
  EXPECT_TRUE(has(form.body, "A moderator reads each request")) << form.body;
  Reply r = b.post("/auth/sign_up", {{"username", "fay"}, {"email", "fay@example.com"},
                                     {"password", "long enough pw"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(has(r.body, "A moderator will read your request")) << r.body;
  EXPECT_EQ(b.cookies().count("kindred_session"), 0u);
  b.get("/auth/sign_in");
  Reply in = b.post("/auth/sign_in", {{"username", "fay"}, {"password", "long enough pw"}});
  EXPECT_EQ(in.status, 403);
  EXPECT_TRUE(has(in.body, "waiting for a moderator")) << in.body;
}

class LimitedWebForms : public WebForms {
 protected:
  LimitedWebForms() : WebForms({.rate_limits = true}) {}
};

TEST_F(LimitedWebForms, PasswordGuessesAreLimitedAsOnTheApi) {
  WebBrowser b = browser();
  b.get("/auth/sign_in");
  int limited = 0;
  for (int i = 0; i < 30; ++i) {
    Reply r = b.post("/auth/sign_in", {{"username", "ann"}, {"password", "guess " + std::to_string(i)}});
    if (r.status == 429) {
      ++limited;
      EXPECT_TRUE(has(r.body, "Too many attempts")) << r.body;
    }
  }
  EXPECT_GT(limited, 0);
  // The API's password grant shares the budget.
  EXPECT_EQ(password_grant(default_app(), "ann", std::string(kPassword)).status, 429);
}

// --- what every form passes ---

TEST_F(WebForms, AFormWithoutItsTokenOrFromAnotherSiteChangesNothing) {
  const std::string id = post_status(bob_, "a post to like");
  WebBrowser b = signed_in(ann_);
  b.get(page_of(id));
  Reply no_token = b.post("/statuses/" + id + "/like", {}, false);
  EXPECT_EQ(no_token.status, 403);
  EXPECT_TRUE(has(no_token.body, "That form has expired")) << no_token.body;
  Reply wrong = b.post("/statuses/" + id + "/like", {{"csrf", "not-the-token"}});
  EXPECT_EQ(wrong.status, 403);
  Reply other_site = b.post("/statuses/" + id + "/like", {}, true, {{"Origin", "http://evil.example"}});
  EXPECT_EQ(other_site.status, 403);
  EXPECT_EQ(status(id, ann_.token)["favourites_count"].as_int64(), 0);
  // The same form with its token works.
  EXPECT_EQ(b.post("/statuses/" + id + "/like", {}).status, 303);
  EXPECT_EQ(status(id, ann_.token)["favourites_count"].as_int64(), 1);
}

TEST_F(WebForms, AnotherPersonsTokenDoesNotWork) {
  const std::string id = post_status(bob_, "a post");
  WebBrowser ann = signed_in(ann_);
  WebBrowser cat = signed_in(cat_);
  ann.get(page_of(id));
  cat.get(page_of(id));
  Reply r = ann.post("/statuses/" + id + "/like", {{"csrf", cat.csrf()}});
  EXPECT_EQ(r.status, 403);
}

TEST_F(WebForms, ASignedOutFormIsSentToSignIn) {
  const std::string id = post_status(bob_, "a post");
  WebBrowser ended = signed_in(ann_);
  ended.get(page_of(id));
  const std::string token = ended.csrf();
  ended.post("/auth/sign_out", {});
  ended.set_cookie("kindred_session", "ended-session-secret-ended-session-secret-x");
  Reply r = ended.post("/statuses/" + id + "/like", {{"csrf", token}, {"return_to", page_of(id)}});
  ASSERT_EQ(r.status, 303);
  EXPECT_TRUE(r.header("location").starts_with("/auth/sign_in?return_to=")) << r.header("location");
}

TEST_F(WebForms, NoPageCarriesATokenOrTheSessionSecret) {
  const std::string id = post_status(bob_, "a post");
  WebBrowser b = signed_in(ann_);
  const std::string secret = b.cookies().at("kindred_session");
  for (const std::string& path : {std::string("/explore"), page_of(id), std::string("/new"),
                                 std::string("/@ann")}) {
    Reply r = b.get(path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_FALSE(has(r.body, secret)) << path;
    EXPECT_FALSE(has(r.body, ann_.token)) << path;
    EXPECT_EQ(r.header("cache-control"), "private, no-cache") << path;
  }
}

// --- a post's forms ---

TEST_F(WebForms, LikeAndUnlikeGoBackToThePost) {
  const std::string id = post_status(bob_, "like me");
  const std::string path = page_of(id);
  WebBrowser b = signed_in(ann_);
  Reply page = b.get(path);
  EXPECT_TRUE(has(page.body, "action=\"/statuses/" + id + "/like\"")) << page.body;
  EXPECT_TRUE(has(page.body, "aria-pressed=\"false\">Like<"));
  Reply r = b.post("/statuses/" + id + "/like", {{"return_to", path}});
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(r.header("location"), path);
  page = b.get(path);
  EXPECT_TRUE(has(page.body, "action=\"/statuses/" + id + "/unlike\""));
  EXPECT_TRUE(has(page.body, "aria-pressed=\"true\">Like<"));
  EXPECT_TRUE(status(id, ann_.token)["favourited"].as_bool());
  b.post("/statuses/" + id + "/unlike", {{"return_to", path}});
  EXPECT_FALSE(status(id, ann_.token)["favourited"].as_bool());
  // Twice is fine (idempotent), and an unknown post is the 404 page.
  EXPECT_EQ(b.post("/statuses/" + id + "/unlike", {}).status, 303);
  EXPECT_EQ(b.post("/statuses/999999999999/like", {}).status, 404);
  EXPECT_EQ(b.post("/statuses/not-an-id/like", {}).status, 404);
}

TEST_F(WebForms, SaveAddsABookmark) {
  const std::string id = post_status(bob_, "save me");
  WebBrowser b = signed_in(ann_);
  b.get(page_of(id));
  ASSERT_EQ(b.post("/statuses/" + id + "/save", {}).status, 303);
  EXPECT_TRUE(status(id, ann_.token)["bookmarked"].as_bool());
  ASSERT_EQ(b.post("/statuses/" + id + "/unsave", {}).status, 303);
  EXPECT_FALSE(status(id, ann_.token)["bookmarked"].as_bool());
}

TEST_F(WebForms, ACommentAndAReplyToItNestOneLevel) {
  const std::string id = post_status(bob_, "a photo");
  const std::string path = page_of(id);
  WebBrowser ann = signed_in(ann_);
  ann.get(path);
  Reply r = ann.post("/statuses/" + id + "/comment", {{"status", "Beautiful"}, {"return_to", path}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_TRUE(r.header("location").starts_with(path + "?order=recent#c-")) << r.header("location");
  const std::string comment_id = r.header("location").substr(r.header("location").find("#c-") + 3);
  EXPECT_EQ(status(comment_id, ann_.token)["in_reply_to_id"].as_string(), id);

  WebBrowser cat = signed_in(cat_);
  Reply page = cat.get(path + "?reply_to=" + comment_id);
  EXPECT_TRUE(has(page.body, "Replying to ann")) << page.body;
  EXPECT_TRUE(has(page.body, ">@ann </textarea>")) << "the reply mentions whom it answers";
  Reply reply = cat.post("/statuses/" + id + "/comment",
                         {{"status", "@ann so true"}, {"in_reply_to_id", comment_id}, {"return_to", path}});
  ASSERT_EQ(reply.status, 303);
  const std::string reply_id = reply.header("location").substr(reply.header("location").find("#c-") + 3);
  EXPECT_EQ(status(reply_id, ann_.token)["in_reply_to_id"].as_string(), comment_id);
  page = cat.get(path);
  EXPECT_TRUE(has(page.body, "class=\"reply-list\"")) << page.body;
  EXPECT_TRUE(has(page.body, "id=\"c-" + reply_id + "\""));
}

TEST_F(WebForms, ABadCommentComesBackWithASentenceAndItsText) {
  const std::string id = post_status(bob_, "a photo");
  WebBrowser b = signed_in(ann_);
  b.get(page_of(id));
  Reply empty = b.post("/statuses/" + id + "/comment", {{"status", "   "}});
  EXPECT_EQ(empty.status, 422);
  EXPECT_TRUE(has(empty.body, "Write something before posting.")) << empty.body;
  Reply too_long = b.post("/statuses/" + id + "/comment", {{"status", std::string(501, 'x')}});
  EXPECT_EQ(too_long.status, 422);
  EXPECT_TRUE(has(too_long.body, "longer than 500 characters. Shorten it")) << too_long.body;
  EXPECT_TRUE(has(too_long.body, std::string(501, 'x'))) << "the text is kept";
  Reply control = b.post("/statuses/" + id + "/comment", {{"status", std::string("bell\x07")}});
  EXPECT_EQ(control.status, 422);
  EXPECT_EQ(status(id, ann_.token)["replies_count"].as_int64(), 0);
}

TEST_F(WebForms, APersonWhoMayNotCommentReadsWhoMay) {
  const std::string id = post_status(bob_, "followers only comments", {{"kindred_comment_policy", "followers"}});
  WebBrowser cat = signed_in(cat_);
  Reply page = cat.get(page_of(id));
  EXPECT_FALSE(has(page.body, "id=\"comment-form\"")) << "no dead comment box";
  EXPECT_TRUE(has(page.body, "Only people who follow bob can comment.")) << page.body;
  Reply r = cat.post("/statuses/" + id + "/comment", {{"status", "sneaking in"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(status(id, ann_.token)["replies_count"].as_int64(), 0);
}

TEST_F(WebForms, DeletingACommentAsksFirst) {
  const std::string id = post_status(bob_, "a photo");
  const std::string cid = post_status(ann_, "oops", {{"in_reply_to_id", id}});
  WebBrowser ann = signed_in(ann_);
  Reply page = ann.get(page_of(id));
  const std::string confirm = "/statuses/" + cid + "/delete?from=" + id;
  EXPECT_TRUE(has(page.body, confirm)) << page.body;
  Reply ask = ann.get(confirm);
  EXPECT_EQ(ask.status, 200);
  EXPECT_TRUE(has(ask.body, "Delete this comment?"));
  Reply r = ann.post("/statuses/" + cid + "/delete", {{"return_to", page_of(id)}});
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(get("/api/v1/statuses/" + cid).status, 404);
  // Someone else's comment cannot be deleted by a third person.
  const std::string bobs = post_status(bob_, "mine", {{"in_reply_to_id", id}});
  WebBrowser cat = signed_in(cat_);
  cat.get(page_of(id));
  EXPECT_EQ(cat.post("/statuses/" + bobs + "/delete", {}).status, 404);
  EXPECT_EQ(get("/api/v1/statuses/" + bobs).status, 200);
}

TEST_F(WebForms, TheAuthorChangesWhoMayCommentAndHidesTheLikeCount) {
  const std::string id = post_status(bob_, "my post");
  WebBrowser bob = signed_in(bob_);
  Reply page = bob.get(page_of(id));
  EXPECT_TRUE(has(page.body, "action=\"/statuses/" + id + "/comment_controls\"")) << page.body;
  ASSERT_EQ(bob.post("/statuses/" + id + "/comment_controls",
                     {{"comment_policy", "nobody"}, {"hide_likes", "1"}}).status, 303);
  bj::object s = status(id, bob_.token);
  EXPECT_EQ(s["kindred"].as_object()["comment_policy"].as_string(), "nobody") << s;
  EXPECT_EQ(bob.post("/statuses/" + id + "/comment_controls", {{"comment_policy", "sometimes"}}).status, 400);
  // Only the author has the form, and only the author's form works.
  WebBrowser ann = signed_in(ann_);
  EXPECT_FALSE(has(ann.get(page_of(id)).body, "comment_controls"));
  EXPECT_EQ(ann.post("/statuses/" + id + "/comment_controls", {{"comment_policy", "everyone"}}).status, 404);
}

TEST_F(WebForms, TheAuthorPinsHidesAndReviewsHeldComments) {
  const std::string id = post_status(bob_, "my post");
  const std::string kind = post_status(ann_, "so kind", {{"in_reply_to_id", id}});
  const std::string rude = post_status(cat_, "so rude", {{"in_reply_to_id", id}});
  WebBrowser bob = signed_in(bob_);
  const std::string path = page_of(id);
  bob.get(path);
  ASSERT_EQ(bob.post("/statuses/" + id + "/pin_comment", {{"comment_id", kind}, {"return_to", path}}).status, 303);
  Reply page = bob.get(path);
  EXPECT_TRUE(has(page.body, "Pinned by bob")) << page.body;
  ASSERT_EQ(bob.post("/statuses/" + rude + "/hide", {{"return_to", path}}).status, 303);
  page = bob.get(path);
  EXPECT_TRUE(has(page.body, "id=\"h-" + rude + "\"")) << "listed for review";
  EXPECT_TRUE(has(page.body, "You hid this comment.")) << page.body;
  Reply anns_view = signed_in(ann_).get(path);
  EXPECT_FALSE(has(anns_view.body, "so rude")) << "hidden from others";
  ASSERT_EQ(bob.post("/statuses/" + rude + "/approve", {{"return_to", path}}).status, 303);
  EXPECT_TRUE(has(signed_in(ann_).get(path).body, "so rude")) << "shown again";
  ASSERT_EQ(bob.post("/statuses/" + id + "/remove_comment", {{"comment_id", rude}, {"return_to", path}}).status, 303);
  EXPECT_EQ(get("/api/v1/statuses/" + rude).status, 404);
  // Nobody else can do any of it.
  WebBrowser cat = signed_in(cat_);
  cat.get(path);
  EXPECT_EQ(cat.post("/statuses/" + id + "/pin_comment", {{"comment_id", kind}}).status, 404);
  EXPECT_EQ(cat.post("/statuses/" + kind + "/hide", {}).status, 404);
  EXPECT_EQ(cat.post("/statuses/" + id + "/remove_comment", {{"comment_id", kind}}).status, 404);
  EXPECT_EQ(cat.post("/statuses/" + id + "/remove_comment", {{"comment_id", "x"}}).status, 404);
}

TEST_F(WebForms, NoDeletePageForWhatTheReaderMayNotDelete) {
  const std::string id = post_status(bob_, "bob's post");
  const std::string anns = post_status(ann_, "ann's comment", {{"in_reply_to_id", id}});
  WebBrowser cat = signed_in(cat_);
  EXPECT_EQ(cat.get("/statuses/" + id + "/delete").status, 404) << "someone else's post";
  EXPECT_EQ(cat.get("/statuses/" + anns + "/delete").status, 404) << "a comment on someone else's post";
  WebBrowser bob = signed_in(bob_);
  EXPECT_EQ(bob.get("/statuses/" + anns + "/delete").status, 200) << "a comment on bob's own post";
  EXPECT_EQ(bob.get("/statuses/" + id + "/delete").status, 200) << "bob's own post";
}

// --- the composer ---

TEST_F(WebForms, APhotoPostWithItsDescriptionInOneForm) {
  WebBrowser b = signed_in(ann_);
  Reply form = b.get("/new");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(has(form.body, "enctype=\"multipart/form-data\""));
  Reply r = b.post_multipart("/new", {{"status", "Morning light"},
                                      {"alt1", "Sun on a kitchen table"},
                                      {"photo1", jpeg(320, 240, 1), "sun.jpg", "image/jpeg"},
                                      {"visibility", "public"},
                                      {"comment_policy", "followers"}});
  ASSERT_EQ(r.status, 303) << r.body;
  const std::string id = r.header("location").substr(r.header("location").rfind('/') + 1);
  bj::object s = status(id, ann_.token);
  EXPECT_EQ(s["media_attachments"].as_array().size(), 1u);
  EXPECT_EQ(s["media_attachments"].as_array()[0].as_object()["description"].as_string(), "Sun on a kitchen table");
  EXPECT_EQ(s["kindred"].as_object()["comment_policy"].as_string(), "followers");
}

TEST_F(WebForms, APhotoWithoutADescriptionGetsOneReminderNeverARefusal) {
  WebBrowser b = signed_in(ann_);
  b.get("/new");
  Reply first = b.post_multipart("/new", {{"status", "No words"},
                                          {"photo1", jpeg(320, 240, 2), "a.jpg", "image/jpeg"}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(has(first.body, "One photo has no description.")) << first.body;
  const std::string media_id = WebBrowser::input_value(first.body, "media_id1");
  ASSERT_FALSE(media_id.empty()) << "the upload is kept";
  EXPECT_TRUE(has(first.body, "name=\"alt_reminded\" value=\"1\""));
  Reply second = b.post_multipart("/new", {{"status", "No words"}, {"media_id1", media_id},
                                           {"alt_reminded", "1"}});
  ASSERT_EQ(second.status, 303) << second.body;
}

TEST_F(WebForms, ComposerErrorsSayWhichPhotoAndKeepTheRest) {
  WebBrowser b = signed_in(ann_);
  b.get("/new");
  Reply bad = b.post_multipart("/new", {{"status", "Two photos"},
                                        {"alt1", "fine"},
                                        {"photo1", jpeg(320, 240, 3), "ok.jpg", "image/jpeg"},
                                        {"alt2", "broken"},
                                        {"photo2", "this is not an image", "bad.jpg", "image/jpeg"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(has(bad.body, "Photo 2 is not a photo Kindred can read")) << bad.body;
  EXPECT_FALSE(WebBrowser::input_value(bad.body, "media_id1").empty()) << "photo 1 kept";
  EXPECT_TRUE(has(bad.body, ">Two photos</textarea>"));
  Reply empty = b.post_multipart("/new", {{"status", ""}});
  EXPECT_EQ(empty.status, 422);
  EXPECT_TRUE(has(empty.body, "Choose a photo or write a caption"));
  Reply long_caption = b.post_multipart("/new", {{"status", std::string(600, 'y')}});
  EXPECT_EQ(long_caption.status, 422);
  EXPECT_TRUE(has(long_caption.body, "at most 500 characters")) << long_caption.body;
  EXPECT_EQ(b.post_multipart("/new", {{"status", "x"}, {"visibility", "everywhere"}}).status, 400);
  EXPECT_EQ(me(ann_)["statuses_count"].as_int64(), 0);
}

TEST_F(WebForms, TheComposerKeepsThePersonsDefaultWhoMayComment) {
  ASSERT_EQ(request("PATCH", "/api/v1/kindred/preferences", R"({"default_comment_policy":"mentioned"})",
                    {{"Authorization", "Bearer " + ann_.token}, {"Content-Type", "application/json"}})
                .status,
            200);
  WebBrowser b = signed_in(ann_);
  Reply form = b.get("/new");
  EXPECT_TRUE(has(form.body, "value=\"mentioned\" checked")) << "the default is chosen";
  // A form sent without a choice (an old page, a script) keeps the default too.
  Reply r = b.post_multipart("/new", {{"status", "words only"}});
  ASSERT_EQ(r.status, 303) << r.body;
  const std::string id = r.header("location").substr(r.header("location").rfind('/') + 1);
  EXPECT_EQ(status(id, ann_.token)["kindred"].as_object()["comment_policy"].as_string(), "mentioned");
}

// --- the session on the API ---

TEST_F(WebForms, TheApiTakesTheSessionOnlyWithItsCsrfHeaderFromThisSite) {
  const std::string id = post_status(bob_, "like me by script");
  WebBrowser b = signed_in(ann_);
  b.get("/explore");
  const std::string cookie = "kindred_session=" + b.cookies().at("kindred_session");
  const std::string target = "/api/v1/statuses/" + id + "/favourite";
  // Cookie alone: anonymous, so refused.
  Reply alone = http().request("POST", target, "", {{"Cookie", cookie}});
  EXPECT_EQ(alone.status, 401) << alone.body;
  Reply wrong = http().request("POST", target, "", {{"Cookie", cookie}, {"X-CSRF-Token", "nope"}});
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  Reply other = http().request("POST", target, "",
                               {{"Cookie", cookie}, {"X-CSRF-Token", b.csrf()}, {"Origin", "http://evil.example"}});
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(status(id, ann_.token)["favourites_count"].as_int64(), 0);
  Reply ok = http().request("POST", target, "", {{"Cookie", cookie}, {"X-CSRF-Token", b.csrf()}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(ok.json().as_object()["favourited"].as_bool());
  // Reads as the person, too.
  Reply me = http().request("GET", "/api/v1/accounts/verify_credentials", "",
                            {{"Cookie", cookie}, {"X-CSRF-Token", b.csrf()}});
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json().as_object()["username"].as_string(), "ann");
  // A public read with only the cookie is anonymous, not refused.
  EXPECT_EQ(http().request("GET", "/api/v1/statuses/" + id, "", {{"Cookie", cookie}}).status, 200);
}

// --- third-party apps ---

TEST_F(WebForms, TheConsentPageUsesTheSiteSignInWithoutAskingThePasswordAgain) {
  App app = create_app("read write", "http://127.0.0.1/callback");
  const std::string authorize = "/oauth/authorize?response_type=code&client_id=" + app.client_id +
                                "&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback&scope=read&state=xyz";
  WebBrowser b = signed_in(ann_);
  Reply page = b.get(authorize);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(has(page.body, "@ann")) << page.body;
  EXPECT_FALSE(has(page.body, "type=\"password\"")) << "no password asked again";
  // A token from another session (or none) is refused and no code is made.
  Reply forged = b.post("/oauth/authorize", {{"client_id", app.client_id},
                                             {"redirect_uri", "http://127.0.0.1/callback"},
                                             {"scope", "read"}, {"response_type", "code"},
                                             {"decision", "approve"}, {"csrf", "forged"}});
  EXPECT_EQ(forged.status, 403);
  Reply r = b.post("/oauth/authorize", {{"client_id", app.client_id},
                                        {"redirect_uri", "http://127.0.0.1/callback"},
                                        {"scope", "read"}, {"state", "xyz"}, {"response_type", "code"},
                                        {"decision", "approve"}});
  ASSERT_EQ(r.status, 302) << r.body;
  const std::string location = r.header("location");
  ASSERT_TRUE(location.starts_with("http://127.0.0.1/callback?code=")) << location;
  EXPECT_TRUE(has(location, "state=xyz"));
  const std::string code = location.substr(location.find("code=") + 5, location.find('&') - location.find("code=") - 5);
  Reply token = post_form("/oauth/token", "grant_type=authorization_code&code=" + code +
                                              "&client_id=" + app.client_id + "&client_secret=" +
                                              app.client_secret +
                                              "&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback");
  ASSERT_EQ(token.status, 200) << token.body;
  const std::string access = std::string(token.json().as_object()["access_token"].as_string());
  EXPECT_EQ(str(json(get("/api/v1/accounts/verify_credentials", access)), "username"), "ann");
  // "Sign in as someone else" shows the form to a signed-in person, and signing in switches.
  Reply other = b.get("/auth/sign_in?switch=1&return_to=" + http::percent_encode(authorize));
  ASSERT_EQ(other.status, 200) << other.body;
  ASSERT_EQ(b.post("/auth/sign_in", {{"username", "bob"}, {"password", std::string(kPassword)},
                                     {"return_to", authorize}}).status, 303);
  EXPECT_TRUE(has(b.get(authorize).body, "@bob")) << "now bob authorises";
  // Signed out, the page asks for the password as before.
  WebBrowser out = browser();
  EXPECT_TRUE(has(out.get(authorize).body, "type=\"password\""));
}

}  // namespace
}  // namespace kindred::testing
