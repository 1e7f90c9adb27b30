#include "app/demo.h"

#include <map>
#include <vector>

#include "social/instance.h"

namespace kindred::app {

namespace {

struct DemoAccount {
  const char* username;
  const char* display_name;
  bool verified;
};

struct DemoPost {
  const char* key;
  const char* author;
  const char* text;
  const char* reply_to;  // key of the post replied to, or nullptr
  std::vector<const char*> liked_by;
  const char* spoiler = "";
};

}  // namespace

Status seed_demo(social::AccountService& accounts, social::PostService& posts,
                 social::LikeService& likes, const store::Store& store) {
  KINDRED_ASSIGN_OR_RETURN(auto stats, social::instance_stats(store));
  if (stats.user_count > 0) return Status::ok();

  const std::vector<DemoAccount> people = {
      {"maya", "Maya Okafor", true},       {"lena", "Lena Fischer", false},
      {"sam", "Sam Reyes", false},         {"tom", "Tom Hughes", false},
      {"priya", "Priya Natarajan", false}, {"jonas", "Jonas Berg", false},
  };
  std::map<std::string, social::Account> by_name;
  for (const auto& p : people) {
    KINDRED_ASSIGN_OR_RETURN(
        social::Account a,
        accounts.create_account(p.username, p.display_name, p.verified, false, std::string(kDemoPassword)));
    by_name[p.username] = std::move(a);
  }

  const std::vector<DemoPost> feed = {
      {"tour", "maya",
       "Last night in Lisbon. Thank you for singing every word back to us. 🌙\n\nTwo more cities "
       "and then home. #tour",
       nullptr, {"sam", "tom", "priya", "jonas", "lena"}},
      {"tour-1", "sam", "That encore! I'm still hoarse.", "tour", {"maya", "tom"}},
      {"tour-2", "maya", "@sam you were louder than the band 😄", "tour-1", {"sam", "priya"}},
      {"tour-3", "priya", "Please come to Chennai next year!", "tour", {"maya"}},
      {"iris", "lena",
       "One year ago today we said hello and goodbye to our daughter Iris, born still at 37 weeks.\n\n"
       "This photo is the only one we have of her hand in mine. We carry her every day.",
       nullptr, {"maya", "sam", "tom", "priya", "jonas"}, ""},
      {"iris-1", "priya",
       "Sending you so much love today. Iris is remembered. 💜", "iris", {"lena", "tom"}},
      {"iris-2", "tom",
       "We lost our son at 24 weeks, four years ago. The first anniversary was the hardest day. "
       "You are not alone in this.",
       "iris", {"lena", "priya", "jonas"}},
      {"iris-3", "lena", "@tom thank you for telling me about him. What was his name?", "iris-2", {"tom"}},
      {"iris-4", "tom", "@lena Noah. Thank you for asking. Hardly anyone does.", "iris-3", {"lena", "priya"}},
      {"iris-5", "maya", "Holding your family in my heart today, Lena.", "iris", {"lena", "sam"}},
      {"garden", "jonas", "First tomatoes of the year from the allotment. Worth every slug.", nullptr,
       {"sam"}},
      {"garden-1", "sam", "Recipe please!", "garden", {}},
  };
  std::map<std::string, Id> post_ids;
  for (const auto& p : feed) {
    social::NewPost np;
    np.text = p.text;
    np.spoiler_text = p.spoiler;
    np.language = "en";
    if (p.reply_to) np.in_reply_to_id = post_ids.at(p.reply_to);
    KINDRED_ASSIGN_OR_RETURN(social::PostView v, posts.create(by_name.at(p.author), np));
    post_ids[p.key] = v.post.id;
    for (const char* liker : p.liked_by) {
      KINDRED_RETURN_IF_ERROR(
          likes.favourite(social::Viewer{by_name.at(liker).id}, v.post.id).status());
    }
  }
  return Status::ok();
}

}  // namespace kindred::app
