// Support resources in the domain: opening hours in the organisation's own time zone around
// London's daylight-saving changes and on bank-holiday closures, the topic matcher (as shipped in
// share/support_topics.json), and the cards a post on a topic carries.
#include "social/care/support.h"

#include <date/date.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "api/kindred/support_json.h"

namespace kindred::social {
namespace {

using namespace std::chrono_literals;

// 2026-03-29 08:30 UTC as ms.
int64_t utc(int y, unsigned m, unsigned d, std::chrono::minutes t) {
  const auto tp = date::sys_days{date::year{y} / date::month{m} / date::day{d}} + t;
  return std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count();
}
std::chrono::minutes hm(int h, int m) { return std::chrono::hours(h) + std::chrono::minutes(m); }

TopicMatcher shipped_matcher() {
  auto text = api::read_text_file(std::string(KINDRED_SHARE_DIR_FOR_TEST) + "/support_topics.json");
  EXPECT_TRUE(text.has_value());
  auto lexicon = api::topic_lexicon_from_json(*text);
  EXPECT_TRUE(lexicon.has_value()) << lexicon.error().to_string();
  auto m = TopicMatcher::build(std::move(*lexicon));
  EXPECT_TRUE(m.has_value()) << m.error().to_string();
  return std::move(*m);
}

SupportResource weekdays_9_to_4() {
  SupportResource r;
  r.id = "helpline";
  r.name = "A helpline";
  r.topics = {"pregnancy_loss"};
  r.regions = {"GB"};
  r.phone = "01924 200799";
  r.time_zone = "Europe/London";
  r.hours = {{{"monday", "tuesday", "wednesday", "thursday", "friday"}, "09:00", "16:00"}};
  return r;
}

class Support : public ::testing::Test {
 protected:
  Support() : service_(clock_, ids_, shipped_matcher(), SupportConfig{}, nullptr) {}

  // The state of `r` at `ms`, as "open until X" / "closed, opens X (LOCAL)" / "unknown".
  std::string state(const SupportResource& r, int64_t ms) {
    OpenState s = service_.open_state(r, ms);
    if (!s.known) return "unknown";
    auto iso = [](int64_t t) {
      return date::format("%FT%RZ",
                          date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(t)));
    };
    if (s.open_now) return "open until " + iso(s.closes_at_ms) + ", next " + iso(s.next_open_at_ms);
    if (s.next_open_at_ms == 0) return "closed";
    return "closed, opens " + iso(s.next_open_at_ms) + " (" + s.next_open_at_local + ")";
  }

  ManualClock clock_{utc(2026, 3, 30, hm(8, 30))};
  IdGenerator ids_{clock_};
  SupportService service_;
};

TEST_F(Support, AroundLondonSpringForwardAWeekdayHelplineOpensAtNineLocal) {
  // Sunday 2026-03-29: at 01:00 UTC London goes from 01:00 GMT to 02:00 BST. Closed all Sunday;
  // Monday opens at 09:00 BST, which is 08:00 UTC.
  const auto r = weekdays_9_to_4();
  const std::string monday = "closed, opens 2026-03-30T08:00Z (2026-03-30T09:00:00+01:00)";
  EXPECT_EQ(state(r, utc(2026, 3, 29, hm(0, 59))), monday);  // 00:59 GMT
  EXPECT_EQ(state(r, utc(2026, 3, 29, hm(1, 0))), monday);   // 02:00 BST
  EXPECT_EQ(state(r, utc(2026, 3, 29, hm(1, 59))), monday);  // 02:59 BST
  EXPECT_EQ(state(r, utc(2026, 3, 29, hm(2, 0))), monday);   // 03:00 BST
  EXPECT_EQ(state(r, utc(2026, 3, 30, hm(7, 59))), monday);  // 08:59 BST
  EXPECT_EQ(state(r, utc(2026, 3, 30, hm(8, 0))),
            "open until 2026-03-30T15:00Z, next 2026-03-31T08:00Z");
  EXPECT_EQ(state(r, utc(2026, 3, 30, hm(8, 30))),
            "open until 2026-03-30T15:00Z, next 2026-03-31T08:00Z");
  EXPECT_EQ(state(r, utc(2026, 3, 30, hm(15, 0))),
            "closed, opens 2026-03-31T08:00Z (2026-03-31T09:00:00+01:00)");  // 16:00 BST
}

TEST_F(Support, TheFridayBeforeSpringForwardIsInGmtAndNextOpeningIsInBst) {
  const auto r = weekdays_9_to_4();
  EXPECT_EQ(state(r, utc(2026, 3, 27, hm(8, 30))),
            "closed, opens 2026-03-27T09:00Z (2026-03-27T09:00:00+00:00)");
  EXPECT_EQ(state(r, utc(2026, 3, 27, hm(9, 0))),
            "open until 2026-03-27T16:00Z, next 2026-03-30T08:00Z");
  EXPECT_EQ(state(r, utc(2026, 3, 27, hm(15, 59))),
            "open until 2026-03-27T16:00Z, next 2026-03-30T08:00Z");
  EXPECT_EQ(state(r, utc(2026, 3, 27, hm(16, 0))),
            "closed, opens 2026-03-30T08:00Z (2026-03-30T09:00:00+01:00)");
}

TEST_F(Support, AroundLondonFallBackAWeekdayHelplineOpensAtNineGmt) {
  // Sunday 2026-10-25: at 01:00 UTC London goes from 02:00 BST back to 01:00 GMT.
  const auto r = weekdays_9_to_4();
  const std::string monday = "closed, opens 2026-10-26T09:00Z (2026-10-26T09:00:00+00:00)";
  EXPECT_EQ(state(r, utc(2026, 10, 25, hm(0, 59))), monday);  // 01:59 BST
  EXPECT_EQ(state(r, utc(2026, 10, 25, hm(1, 0))), monday);   // 01:00 GMT (again)
  EXPECT_EQ(state(r, utc(2026, 10, 25, hm(1, 59))), monday);
  EXPECT_EQ(state(r, utc(2026, 10, 25, hm(2, 0))), monday);
  // The Friday before is in BST: open 08:00-15:00 UTC.
  EXPECT_EQ(state(r, utc(2026, 10, 23, hm(14, 59))),
            "open until 2026-10-23T15:00Z, next 2026-10-26T09:00Z");
  EXPECT_EQ(state(r, utc(2026, 10, 23, hm(15, 0))), monday);
  EXPECT_EQ(state(r, utc(2026, 10, 26, hm(8, 30))), monday);  // 08:30 GMT
  EXPECT_EQ(state(r, utc(2026, 10, 26, hm(9, 0))),
            "open until 2026-10-26T16:00Z, next 2026-10-27T09:00Z");
}

TEST_F(Support, OpeningsInsideTheChangedHourAreResolvedByTheZoneRules) {
  auto r = weekdays_9_to_4();
  // Sundays 01:30 to 03:00 local. On 2026-03-29, 01:30 does not exist (clocks jump from 01:00 to
  // 02:00): the opening is the change itself, 01:00 UTC; 03:00 BST is 02:00 UTC.
  r.hours = {{{"sunday"}, "01:30", "03:00"}};
  EXPECT_EQ(state(r, utc(2026, 3, 29, hm(0, 59))),
            "closed, opens 2026-03-29T01:00Z (2026-03-29T02:00:00+01:00)");
  EXPECT_EQ(state(r, utc(2026, 3, 29, hm(1, 0))),
            "open until 2026-03-29T02:00Z, next 2026-04-05T00:30Z");
  EXPECT_EQ(state(r, utc(2026, 3, 29, hm(1, 59))),
            "open until 2026-03-29T02:00Z, next 2026-04-05T00:30Z");
  EXPECT_EQ(state(r, utc(2026, 3, 29, hm(2, 0))),
            "closed, opens 2026-04-05T00:30Z (2026-04-05T01:30:00+01:00)");
  // On 2026-10-25, 01:30 happens twice: it opens at the first (00:30 UTC, BST) and 03:00 GMT is
  // 03:00 UTC.
  EXPECT_EQ(state(r, utc(2026, 10, 25, hm(0, 29))),
            "closed, opens 2026-10-25T00:30Z (2026-10-25T01:30:00+01:00)");
  EXPECT_EQ(state(r, utc(2026, 10, 25, hm(0, 59))),
            "open until 2026-10-25T03:00Z, next 2026-11-01T01:30Z");
  EXPECT_EQ(state(r, utc(2026, 10, 25, hm(2, 0))),
            "open until 2026-10-25T03:00Z, next 2026-11-01T01:30Z");
}

TEST_F(Support, AllDayOnTheShortSundayLastsTwentyThreeHours) {
  auto r = weekdays_9_to_4();
  r.hours = {{{"sunday"}, "00:00", "24:00"}};
  EXPECT_EQ(state(r, utc(2026, 3, 29, hm(0, 0))),
            "open until 2026-03-29T23:00Z, next 2026-04-04T23:00Z");
  EXPECT_EQ(state(r, utc(2026, 3, 29, hm(22, 59))),
            "open until 2026-03-29T23:00Z, next 2026-04-04T23:00Z");
  EXPECT_EQ(state(r, utc(2026, 3, 29, hm(23, 0))),
            "closed, opens 2026-04-04T23:00Z (2026-04-05T00:00:00+01:00)");
}

TEST_F(Support, OpeningsThatMeetAtMidnightAreOneOpening) {
  auto r = weekdays_9_to_4();
  r.hours = {{{"monday"}, "20:00", "24:00"}, {{"tuesday"}, "00:00", "02:00"}};
  EXPECT_EQ(state(r, utc(2026, 12, 7, hm(23, 0))),
            "open until 2026-12-08T02:00Z, next 2026-12-14T20:00Z");
}

TEST_F(Support, BankHolidayClosuresSkipToTheNextOpenDay) {
  // Christmas 2026: Friday 25th, and Boxing Day's substitute on Monday 28th.
  auto r = weekdays_9_to_4();
  r.closures = {{"2026-12-25", "2026-12-25", "Christmas Day"},
                {"2026-12-28", "", "Boxing Day (substitute)"}};
  ASSERT_TRUE(service_.validate(r).is_ok());
  EXPECT_EQ(r.closures[1].to, "2026-12-28");  // one day
  const std::string tuesday = "closed, opens 2026-12-29T09:00Z (2026-12-29T09:00:00+00:00)";
  EXPECT_EQ(state(r, utc(2026, 12, 24, hm(15, 59))),
            "open until 2026-12-24T16:00Z, next 2026-12-29T09:00Z");
  EXPECT_EQ(state(r, utc(2026, 12, 24, hm(16, 0))), tuesday);
  EXPECT_EQ(state(r, utc(2026, 12, 25, hm(10, 0))), tuesday);  // would be open but for Christmas
  EXPECT_EQ(state(r, utc(2026, 12, 28, hm(10, 0))), tuesday);
  // A range closes every day in it.
  r.closures = {{"2026-12-24", "2026-12-31", "Winter break"}};
  EXPECT_EQ(state(r, utc(2026, 12, 24, hm(10, 0))),
            "closed, opens 2027-01-01T09:00Z (2027-01-01T09:00:00+00:00)");
}

TEST_F(Support, WithoutHoursNothingIsClaimed) {
  auto r = weekdays_9_to_4();
  r.hours.clear();
  r.time_zone.clear();
  ASSERT_TRUE(service_.validate(r).is_ok());
  OpenState s = service_.open_state(r, utc(2026, 3, 30, hm(10, 0)));
  EXPECT_FALSE(s.known);
  EXPECT_FALSE(s.open_now);
  EXPECT_EQ(s.next_open_at_ms, 0);
  EXPECT_EQ(state(r, utc(2026, 3, 30, hm(10, 0))), "unknown");
}

TEST_F(Support, ValidationNamesTheBadField) {
  auto check = [&](auto change, std::string_view expected) {
    auto r = weekdays_9_to_4();
    change(r);
    Status s = service_.validate(r);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << expected;
    EXPECT_NE(s.message().find(expected), std::string::npos) << s.message();
  };
  check([](SupportResource& r) { r.name = "  "; }, "Name can't be blank");
  check([](SupportResource& r) { r.topics = {"cooking"}; }, "Topic 'cooking' is not a known topic");
  check([](SupportResource& r) { r.regions = {"UK"}; },
        "Region 'UK' is not an ISO 3166-1 alpha-2 code");
  check([](SupportResource& r) { r.regions = {}; }, "Regions can't be blank");
  check([](SupportResource& r) { r.time_zone = "Europe/Atlantis"; }, "not an IANA time zone");
  check([](SupportResource& r) { r.time_zone = "../../etc/passwd"; }, "not an IANA time zone");
  check([](SupportResource& r) { r.hours[0].opens = "9am"; }, "Opens '9am' is not a time HH:MM");
  check([](SupportResource& r) { r.hours[0].closes = "24:01"; }, "Closes '24:01'");
  check([](SupportResource& r) { r.hours[0].closes = "08:00"; }, "Closes must be after opens");
  check([](SupportResource& r) { r.hours[0].days = {"funday"}; }, "Day 'funday'");
  check([](SupportResource& r) { r.email = "not an email"; }, "Email");
  check([](SupportResource& r) { r.website = "javascript:alert(1)"; }, "Website");
  check([](SupportResource& r) { r.phone = "call us"; }, "Phone");
  check(
      [](SupportResource& r) {
        r.closures = {{"2026-02-30", "", ""}};
      },
      "Closure from '2026-02-30'");
  check(
      [](SupportResource& r) {
        r.closures = {{"2026-12-28", "2026-12-25", ""}};
      },
      "Closure to is before from");
  auto r = weekdays_9_to_4();
  r.regions = {"gb"};
  ASSERT_TRUE(service_.validate(r).is_ok());
  EXPECT_EQ(r.regions, std::vector<std::string>{"GB"});
}

TEST_F(Support, MatcherFindsLossInAnyCaseAndPunctuation) {
  const auto& m = service_.matcher();
  const std::vector<std::string> topic = {"pregnancy_loss"};
  for (std::string_view text :
       {"We lost our son in March.", "lost our son", "our daughter Iris, born still at 37 weeks",
        "LOST OUR SON!!!", "Lost,  our...   son", "Our miscarriage story", "MISCARRIAGE",
        "#stillbirth awareness", "#babyloss", "Baby-loss awareness week",
        "She was stillborn at 38 weeks.", "I\u2019m not ready to talk about the miscarriage\u2026",
        "\u201cWe lost our baby\u201d",
        "\uff2d\uff29\uff33\uff23\uff21\uff32\uff32\uff29\uff21\uff27\uff25", "Nach der Fehlgeburt",
        "Notre fausse-couche", "un enfant MORT-N\u00c9", "(miscarried)"}) {
    EXPECT_EQ(m.match(text), topic) << text;
  }
}

TEST_F(Support, MatcherDoesNotFireOnOrdinaryWords) {
  const auto& m = service_.matcher();
  for (std::string_view text : {"We lost our sonnet in the move",
                                "lost our sons football",
                                "A horse and carriage",
                                "a miscarriage of justice",
                                "Miscarriages of justice happen",
                                "Still born to run",
                                "The stillness of the lake",
                                "Our son scored a goal!",
                                "We lost our way in the forest",
                                "The babysitter lost the keys",
                                "Loss leaders in the baby aisle",
                                "Pregnancy test: positive!",
                                "baby lost its sock",
                                "lostoursonnet",
                                "still, birth of a nation",
                                "mort de rire",
                                "What a lovely day at the beach",
                                "Lost and found",
                                "Our baby loves the seaside",
                                "carriages",
                                "miscellaneous",
                                "tfmrx",
                                ""}) {
    EXPECT_TRUE(m.match(text).empty()) << text;
  }
}

TEST_F(Support, WordsFoldCaseDropApostrophesAndSplitOnPunctuation) {
  EXPECT_EQ(topic_words("Son's  LOSS, baby-loss\u2026 \uff21\uff22"),
            (std::vector<std::string>{"sons", "loss", "baby", "loss", "ab"}));
  // Accents and capitals beyond Latin-1 fold too (the same folding as hidden words).
  EXPECT_EQ(topic_words("FEHLGEBURT Fehlgebürt ŁÓDŹ"),
            (std::vector<std::string>{"fehlgeburt", "fehlgeburt", "łodz"}));
}

TEST_F(Support, ATopicIsMatchedOncePerPostAndCached) {
  Post p;
  p.id = Id{42};
  p.text = "We lost our son";
  EXPECT_EQ(service_.topics_of(p), std::vector<std::string>{"pregnancy_loss"});
  p.text = "a sunny day";  // posts never change: the cached match stands for the id
  EXPECT_EQ(service_.topics_of(p), std::vector<std::string>{"pregnancy_loss"});
  p.id = Id{43};
  p.spoiler_text = "miscarriage";
  EXPECT_EQ(service_.topics_of(p), std::vector<std::string>{"pregnancy_loss"});
}

TEST_F(Support, CardsFollowTheReadersRegionAndChoice) {
  auto tommys = weekdays_9_to_4();
  tommys.id = "tommys";
  tommys.hours.clear();
  tommys.time_zone.clear();
  ASSERT_TRUE(service_.load({weekdays_9_to_4(), tommys}).is_ok());
  Post p;
  p.id = Id{7};
  p.text = "We lost our son";
  auto card = service_.card_for(Viewer{Id{1}}, p);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->message, "If this post touches your own loss, support is available.");
  ASSERT_EQ(card->resources.size(), 2u);
  EXPECT_TRUE(card->resources[0].state.open_now);  // Monday 2026-03-30 09:30 BST
  EXPECT_FALSE(card->resources[1].state.known);
  // Where nothing serves the region there is no card, and no false promise. (A reader's own
  // region and opt-out come from their preferences: tests/api/support_test.cpp.)
  SupportConfig france;
  france.region = "FR";
  SupportService elsewhere(clock_, ids_, shipped_matcher(), france, nullptr);
  ASSERT_TRUE(elsewhere.load({weekdays_9_to_4(), tommys}).is_ok());
  EXPECT_EQ(elsewhere.card_for(Viewer{Id{1}}, p), nullptr);
  Post plain;
  plain.id = Id{8};
  plain.text = "A sunny day";
  EXPECT_EQ(service_.card_for(Viewer{Id{1}}, plain), nullptr);
}

TEST_F(Support, LoadRefusesADirectoryWithABadOrDuplicateEntry) {
  auto bad = weekdays_9_to_4();
  bad.time_zone = "Nowhere/Special";
  EXPECT_EQ(service_.load({weekdays_9_to_4(), bad}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(service_.load({weekdays_9_to_4(), weekdays_9_to_4()}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(service_.resources_for({}, "", clock_.now_ms()).empty());  // nothing installed
}

TEST_F(Support, OnlyAdminsEditAndEditsAreWholeForConcurrentReaders) {
  ASSERT_TRUE(service_.load({weekdays_9_to_4()}).is_ok());
  Account someone;
  EXPECT_EQ(service_.create(someone, weekdays_9_to_4()).error().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.remove(someone, "helpline").error().code(), StatusCode::kPermissionDenied);
  Account admin;
  admin.admin = true;
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    Post p;
    p.id = Id{9};
    p.text = "our miscarriage";
    while (!stop.load()) {
      auto card = service_.card_for(Viewer{Id{1}}, p);
      const size_t n = card ? card->resources.size() : 0;
      if (n < 1 || n > 2 || card->resources.front().resource->id != "helpline") ++bad;
    }
  });
  for (int i = 0; i < 200; ++i) {
    auto made = service_.create(admin, weekdays_9_to_4());
    ASSERT_TRUE(made.has_value()) << made.error().to_string();
    ASSERT_TRUE(service_.remove(admin, made->resource->id).has_value());
  }
  stop = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(service_.resources_for({}, "", clock_.now_ms()).size(), 1u);
}

}  // namespace
}  // namespace kindred::social
