#include "app/demo.h"

#include <map>
#include <vector>

#include "media/synth.h"
#include "social/model/calendar.h"
#include "social/identity/instance.h"

namespace kindred::app {

namespace {

struct DemoAccount {
  const char* username;
  const char* display_name;
  bool verified;
  const char* note;
  media::Rgb from, to;  // avatar colours
};

// A photo stands in for what the caption describes; the alt text says so honestly.
struct DemoPhoto {
  media::Rgb from, to;
  uint64_t seed;
  const char* alt;
};

struct DemoPost {
  const char* key;
  const char* author;
  const char* text;
  const char* reply_to;  // key of the post replied to, or nullptr
  std::vector<const char*> liked_by;
  const char* spoiler = "";
  std::vector<DemoPhoto> photos = {};
};

Result<std::string> draw(int width, int height, media::Rgb from, media::Rgb to, uint64_t seed) {
  media::SynthSpec spec;
  spec.width = width;
  spec.height = height;
  spec.from = from;
  spec.to = to;
  spec.seed = seed;
  return media::synthesize_image(spec);
}

// Jonas's memories: posts from this day (UTC, the default time zone) in earlier years, written
// through a PostService whose clock stands on that day, so their ids and times are of that day.
Status seed_memories(const DemoServices& s, const social::Account& jonas) {
  const int64_t now = s.deps.clock.now_ms();
  const social::TimeZone utc;
  const social::CivilDate today = utc.date_at(now);
  const int64_t time_of_day = now - utc.day_start_ms(today);
  struct Memory {
    int years_back;
    const char* text;
    bool photo;
  };
  // On 29 February the same day exists only in leap years.
  const bool leap_day = today.month == 2 && today.day == 29;
  const std::vector<Memory> memories = {
      {leap_day ? 8 : 3, "Collected the keys to plot 14 today. It is mostly brambles. I love it.",
       true},
      {leap_day ? 4 : 1,
       "Another year on plot 14 today. Thank you, neighbours, for the seeds and the advice.",
       false},
  };
  for (const auto& m : memories) {
    const social::CivilDate day{today.year - m.years_back, today.month, today.day};
    ManualClock past_clock(utc.day_start_ms(day) + time_of_day);
    IdGenerator past_ids(past_clock);
    social::PostService past_posts(social::Deps{s.deps.store, past_clock, past_ids, s.deps.config},
                                   s.accounts, s.media);
    social::NewPost np;
    np.text = m.text;
    np.language = "en";
    if (m.photo) {
      social::NewUpload upload;
      KINDRED_ASSIGN_OR_RETURN(upload.bytes, draw(1600, 1200, {90, 60, 30}, {120, 170, 60}, 41));
      upload.description =
          "Demo image: a brown-to-green gradient, standing in for a photo of an overgrown "
          "allotment plot with a new padlock on its gate.";
      KINDRED_ASSIGN_OR_RETURN(social::Media media,
                               s.media.upload(jonas, std::move(upload), std::chrono::minutes(1)));
      np.media_ids.push_back(media.id);
    }
    KINDRED_RETURN_IF_ERROR(past_posts.create(jonas, np).status());
  }
  return Status::ok();
}

}  // namespace

Status seed_demo(const DemoServices& s) {
  KINDRED_ASSIGN_OR_RETURN(auto stats, social::instance_stats(s.store));
  if (stats.user_count > 0) return Status::ok();

  const std::vector<DemoAccount> people = {
      {"maya", "Maya Okafor", true, "Singer. On tour until December.", {200, 60, 90}, {250, 180, 90}},
      {"lena", "Lena Fischer", false, "Mother of Iris and Paul. Berlin.", {120, 90, 180}, {220, 200, 240}},
      {"sam", "Sam Reyes", false, "Front row, always.", {30, 120, 110}, {160, 220, 140}},
      {"tom", "Tom Hughes", false, "Dad. Runner. Noah's father.", {40, 60, 120}, {140, 170, 220}},
      {"priya", "Priya Natarajan", false, "Midwife in Chennai.", {190, 100, 40}, {250, 220, 150}},
      {"jonas", "Jonas Berg", false, "Allotment number 14.", {60, 110, 40}, {200, 220, 90}},
      {"kai", "Kai", false, "", {90, 90, 90}, {150, 150, 150}},
  };
  std::map<std::string, social::Account> by_name;
  uint64_t seed = 1;
  for (const auto& p : people) {
    KINDRED_ASSIGN_OR_RETURN(social::Account a,
                             s.accounts.create_account(p.username, p.display_name, p.verified,
                                                       false, std::string(kDemoPassword)));
    social::ProfileEdit edit;
    edit.note = p.note;
    KINDRED_ASSIGN_OR_RETURN(edit.avatar, draw(400, 400, p.from, p.to, seed++));
    KINDRED_ASSIGN_OR_RETURN(edit.header, draw(1500, 500, p.to, p.from, seed++));
    KINDRED_ASSIGN_OR_RETURN(a, s.profiles.update(a.id, edit));
    by_name[p.username] = std::move(a);
  }

  // Everyone follows Maya; friends follow each other, so every home feed has something in it.
  const std::vector<std::pair<const char*, const char*>> follows = {
      {"lena", "maya"}, {"sam", "maya"},   {"tom", "maya"},   {"priya", "maya"}, {"jonas", "maya"},
      {"lena", "tom"},  {"tom", "lena"},   {"priya", "lena"}, {"lena", "priya"}, {"sam", "jonas"},
      {"jonas", "sam"}, {"maya", "lena"},  {"sam", "lena"},   {"jonas", "lena"}, {"priya", "tom"},
  };
  for (const auto& [follower, followed] : follows) {
    KINDRED_RETURN_IF_ERROR(
        s.relationships.follow(social::Viewer{by_name.at(follower).id}, by_name.at(followed).id)
            .status());
  }

  // Before today's posts, so that each account's newest post stays its newest.
  KINDRED_RETURN_IF_ERROR(seed_memories(s, by_name.at("jonas")));

  // Lena hides common abuse from the comments on her posts.
  social::HiddenWords lenas_words;
  lenas_words.builtin_lists = {"en"};
  KINDRED_RETURN_IF_ERROR(s.holds.set_hidden_words(by_name.at("lena").id, lenas_words).status());

  const std::vector<DemoPost> feed = {
      {"tour", "maya",
       "Last night in Lisbon. Thank you for singing every word back to us. 🌙\n\nTwo more cities "
       "and then home. #tour",
       nullptr, {"sam", "tom", "priya", "jonas", "lena"}, "",
       {{{20, 20, 70}, {230, 120, 60}, 11,
         "Demo image: a dusk gradient from navy to orange with round shapes, standing in for a "
         "photo of a concert crowd under stage lights."},
        {{60, 30, 90}, {250, 200, 120}, 12,
         "Demo image: a purple-to-gold gradient, standing in for a photo of the band taking a bow."}}},
      {"tour-1", "sam", "That encore! I'm still hoarse.", "tour", {"maya", "tom"}},
      {"tour-2", "maya", "@sam you were louder than the band 😄", "tour-1", {"sam", "priya"}},
      {"tour-3", "priya", "Please come to Chennai next year!", "tour", {"maya"}},
      {"iris", "lena",
       "One year ago today we said hello and goodbye to our daughter Iris, born still at 37 weeks.\n\n"
       "This photo is the only one we have of her hand in mine. We carry her every day.",
       nullptr, {"maya", "sam", "tom", "priya", "jonas"}, "",
       {{{230, 220, 240}, {170, 150, 200}, 21,
         "Demo image: a soft lilac gradient, standing in for a hospital photo of a newborn's tiny "
         "hand resting in her mother's hand."}}},
      {"iris-1", "priya",
       "Sending you so much love today. Iris is remembered. 💜", "iris", {"lena", "tom"}},
      {"iris-2", "tom",
       "We lost our son at 24 weeks, four years ago. The first anniversary was the hardest day. "
       "You are not alone in this.",
       "iris", {"lena", "priya", "jonas"}},
      {"iris-3", "lena", "@tom thank you for telling me about him. What was his name?", "iris-2", {"tom"}},
      {"iris-4", "tom", "@lena Noah. Thank you for asking. Hardly anyone does.", "iris-3", {"lena", "priya"}},
      {"iris-5", "maya", "Holding your family in my heart today, Lena.", "iris", {"lena", "sam"}},
      // Cruel, and held by Lena's hidden words (the built-in English list): Kai sees it as
      // posted, nobody else does, and Lena finds it in her review of held comments.
      {"iris-6", "kai", "Attention seeker. Nobody wants to see this.", "iris", {}},
      {"garden", "jonas", "First tomatoes of the year from the allotment. Worth every slug.", nullptr,
       {"sam"}, "",
       {{{200, 40, 30}, {90, 160, 50}, 31,
         "Demo image: a red-to-green gradient with round shapes, standing in for a photo of a "
         "basket of ripe tomatoes."}}},
      {"garden-1", "sam", "Recipe please!", "garden", {}},
  };
  std::map<std::string, Id> post_ids;
  for (const auto& p : feed) {
    social::NewPost np;
    np.text = p.text;
    np.spoiler_text = p.spoiler;
    np.language = "en";
    if (p.reply_to) np.in_reply_to_id = post_ids.at(p.reply_to);
    const social::Account& author = by_name.at(p.author);
    for (const auto& photo : p.photos) {
      social::NewUpload upload;
      KINDRED_ASSIGN_OR_RETURN(upload.bytes, draw(1600, 1200, photo.from, photo.to, photo.seed));
      upload.description = photo.alt;
      KINDRED_ASSIGN_OR_RETURN(social::Media m,
                               s.media.upload(author, std::move(upload), std::chrono::minutes(1)));
      np.media_ids.push_back(m.id);
    }
    KINDRED_ASSIGN_OR_RETURN(social::PostView v, s.posts.create(author, np));
    post_ids[p.key] = v.post.id;
    for (const char* liker : p.liked_by) {
      KINDRED_RETURN_IF_ERROR(
          s.likes.favourite(social::Viewer{by_name.at(liker).id}, v.post.id).status());
    }
  }
  // Friends share each other's photos; Lena keeps Tom's story of Noah at the top of the replies
  // to her post about Iris.
  const std::vector<std::pair<const char*, const char*>> reblogs = {{"sam", "tour"}, {"priya", "garden"}};
  for (const auto& [who, key] : reblogs) {
    KINDRED_RETURN_IF_ERROR(
        s.reblogs.reblog(social::Viewer{by_name.at(who).id}, post_ids.at(key), std::nullopt).status());
  }
  return s.comments.pin(social::Viewer{by_name.at("lena").id}, post_ids.at("iris-2")).status();
}

}  // namespace kindred::app
