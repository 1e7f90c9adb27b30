// GET /api/v1/kindred/memories and the rules that hide memories (hidden_ranges,
// hidden_accounts, hidden_statuses). Posts are made "on" chosen days by moving the test clock,
// which is where ids and creation times come from.
#include <boost/json.hpp>

#include "social/model/calendar.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

constexpr std::string_view kMemories = "/api/v1/kindred/memories";
constexpr std::string_view kRanges = "/api/v1/kindred/memories/hidden_ranges";
constexpr std::string_view kAccounts = "/api/v1/kindred/memories/hidden_accounts";
constexpr std::string_view kStatuses = "/api/v1/kindred/memories/hidden_statuses";

// Unix milliseconds of "YYYY-MM-DD" at `hour`:`minute` UTC.
int64_t at(std::string_view date, int hour = 12, int minute = 0) {
  auto d = social::parse_date(date);
  EXPECT_TRUE(d) << date;
  if (!d) return 0;
  return (social::days_since_epoch(*d) * 24 * 60 + hour * 60 + minute) * 60'000;
}

// A memory as "years_ago|label|date|status id", for readable comparisons.
std::vector<std::string> memories_of(const HttpClient::Reply& r) {
  std::vector<std::string> out;
  if (r.status != 200) {
    ADD_FAILURE() << r.status << " " << r.body;
    return out;
  }
  const boost::json::value body = json(r);
  for (const auto& m : body.as_array()) {
    out.push_back(std::to_string(num(m, "years_ago")) + "|" + str(m, "label") + "|" +
                  str(m, "date") + "|" + str(m.at("status"), "id"));
  }
  return out;
}

class MemoriesApi : public ApiTest {
 protected:
  void SetUp() override {
    // Accounts are made early in 2001, so the tests can post in any later year.
    clock().set_ms(at("2001-01-01"));
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    ann_ = register_user("ann");
    bob_ = register_user("bob");
  }
  // Moves the clock to `ms` (later than any post so far) and posts there.
  std::string post_at(int64_t ms, const User& who, std::string_view text,
                      const boost::json::object& extra = {}) {
    EXPECT_GE(ms, clock().now_ms()) << "posts must be made in time order";
    clock().set_ms(ms);
    return post_status(who, text, extra);
  }
  std::vector<std::string> memories(const User& who, int64_t now_ms, std::string_view query = "") {
    clock().set_ms(now_ms);
    return memories_of(get(std::string(kMemories) + std::string(query), who.token));
  }
  Reply patch_preferences(const boost::json::object& body, const User& who) {
    return request("PATCH", "/api/v1/kindred/preferences", boost::json::serialize(body),
                   {{"Content-Type", "application/json"}}, who.token);
  }
  User ann_, bob_;
};

TEST_F(MemoriesApi, ThisDayInEarlierYearsNewestYearFirst) {
  const std::string y2021 = post_at(at("2021-03-10", 8), ann_, "three years ago");
  const std::string y2022a = post_at(at("2022-03-10", 0, 0), ann_, "just after midnight");
  const std::string y2022b = post_at(at("2022-03-10", 23, 59), ann_, "just before midnight");
  post_at(at("2022-03-11", 0, 0), ann_, "the next day");
  post_at(at("2023-03-09", 23, 59), ann_, "the day before");
  const std::string y2023 =
      post_at(at("2023-03-10", 12), ann_, "last year", {{"visibility", "direct"}});
  post_at(at("2023-03-10", 13), bob_, "bob's, not ann's");
  post_at(at("2024-03-10", 9), ann_, "this morning");

  EXPECT_EQ(memories(ann_, at("2024-03-10", 18)),
            (std::vector<std::string>{
                "1|One year ago|2023-03-10|" + y2023, "2|2 years ago|2022-03-10|" + y2022b,
                "2|2 years ago|2022-03-10|" + y2022a, "3|3 years ago|2021-03-10|" + y2021}));
  Reply r = get(kMemories, ann_.token);
  const boost::json::value body = json(r);
  const auto& first = body.as_array().at(0);
  EXPECT_EQ(str(first.at("status"), "visibility"), "direct");
  EXPECT_EQ(str(first.at("status").at("account"), "username"), "ann");
  // A day with no memories, and a person with none.
  EXPECT_EQ(memories(ann_, at("2024-03-12")), std::vector<std::string>{});
  EXPECT_EQ(memories(register_user("cat"), at("2024-03-10")), std::vector<std::string>{});
}

TEST_F(MemoriesApi, LeapDayPostShowsOnTheLastDayOfFebruaryEveryYear) {
  const std::string feb28 = post_at(at("2024-02-28", 9), ann_, "the day before the leap day");
  const std::string feb29 = post_at(at("2024-02-29", 9), ann_, "a leap-day post");
  const std::string mar1 = post_at(at("2024-03-01", 9), ann_, "March");

  // Common years: 28 February brings both days of 2024.
  EXPECT_EQ(memories(ann_, at("2025-02-28")),
            (std::vector<std::string>{"1|One year ago|2024-02-29|" + feb29,
                                      "1|One year ago|2024-02-28|" + feb28}));
  EXPECT_EQ(memories(ann_, at("2026-02-28")),
            (std::vector<std::string>{"2|2 years ago|2024-02-29|" + feb29,
                                      "2|2 years ago|2024-02-28|" + feb28}));
  EXPECT_EQ(memories(ann_, at("2025-03-01")),
            (std::vector<std::string>{"1|One year ago|2024-03-01|" + mar1}));
  EXPECT_EQ(memories(ann_, at("2025-02-27")), std::vector<std::string>{});
  // A leap year: each day on its own day.
  EXPECT_EQ(memories(ann_, at("2028-02-28")),
            (std::vector<std::string>{"4|4 years ago|2024-02-28|" + feb28}));
  EXPECT_EQ(memories(ann_, at("2028-02-29")),
            (std::vector<std::string>{"4|4 years ago|2024-02-29|" + feb29}));
  EXPECT_EQ(memories(ann_, at("2028-03-01")),
            (std::vector<std::string>{"4|4 years ago|2024-03-01|" + mar1}));
  // Clients may ask for another day.
  EXPECT_EQ(memories(ann_, at("2025-06-01"), "?date=2027-02-28"),
            (std::vector<std::string>{"3|3 years ago|2024-02-29|" + feb29,
                                      "3|3 years ago|2024-02-28|" + feb28}));
}

TEST_F(MemoriesApi, LeapDayToLeapDaySkipsTheCommonYearsBetween) {
  const std::string y2020 = post_at(at("2020-02-29", 7), ann_, "leap day 2020");
  post_at(at("2021-02-28", 7), ann_, "a common year's last day of February");
  const std::string y2024 = post_at(at("2024-02-29", 7), ann_, "leap day 2024");
  EXPECT_EQ(memories(ann_, at("2028-02-29")),
            (std::vector<std::string>{"4|4 years ago|2024-02-29|" + y2024,
                                      "8|8 years ago|2020-02-29|" + y2020}));
}

TEST_F(MemoriesApi, TheReadersTimeZoneDecidesWhatThisDayIs) {
  // 23:30 UTC on 15 June is 01:30 on 16 June in Berlin (summer time, UTC+2).
  const std::string late =
      post_at(at("2023-06-15", 23, 30), ann_, "late in London, early in Berlin");
  EXPECT_EQ(memories(ann_, at("2024-06-15", 12)),
            (std::vector<std::string>{"1|One year ago|2023-06-15|" + late}));
  ASSERT_EQ(patch_preferences({{"time_zone", "Europe/Berlin"}}, ann_).status, 200);
  EXPECT_EQ(memories(ann_, at("2024-06-15", 12)), std::vector<std::string>{});
  // 22:30 UTC on 15 June 2024 is already 16 June in Berlin.
  EXPECT_EQ(memories(ann_, at("2024-06-15", 22, 30)),
            (std::vector<std::string>{"1|One year ago|2023-06-16|" + late}));
  EXPECT_EQ(memories(ann_, at("2024-06-16", 12)),
            (std::vector<std::string>{"1|One year ago|2023-06-16|" + late}));
}

TEST_F(MemoriesApi, ReachBackTwentyYearsAtMost) {
  post_at(at("2003-03-10"), ann_, "twenty-one years ago");
  const std::string twenty = post_at(at("2004-03-10"), ann_, "twenty years ago");
  EXPECT_EQ(memories(ann_, at("2024-03-10")),
            (std::vector<std::string>{"20|20 years ago|2004-03-10|" + twenty}));
}

TEST_F(MemoriesApi, ReblogsAndDeletedPostsAreNotMemories) {
  const std::string bobs = post_at(at("2023-03-10", 9), bob_, "bob's photo");
  clock().set_ms(at("2023-03-10", 10));
  ASSERT_EQ(post("/api/v1/statuses/" + bobs + "/reblog", {}, ann_.token).status, 200);
  const std::string gone = post_at(at("2023-03-10", 11), ann_, "deleted later");
  const std::string kept = post_at(at("2023-03-10", 12), ann_, "kept", {{"visibility", "private"}});
  ASSERT_EQ(del("/api/v1/statuses/" + gone, ann_.token).status, 200);
  EXPECT_EQ(memories(ann_, at("2024-03-10")),
            (std::vector<std::string>{"1|One year ago|2023-03-10|" + kept}));
}

TEST_F(MemoriesApi, TurnedOffMeansAnEmptyList) {
  post_at(at("2023-03-10"), ann_, "a memory");
  ASSERT_EQ(memories(ann_, at("2024-03-10")).size(), 1u);
  ASSERT_EQ(patch_preferences({{"memories", false}}, ann_).status, 200);
  Reply r = get(kMemories, ann_.token);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[]");
  ASSERT_EQ(patch_preferences({{"memories", true}}, ann_).status, 200);
  EXPECT_EQ(memories(ann_, at("2024-03-10")).size(), 1u);
}

TEST_F(MemoriesApi, BadDateOrNoUserIsRefused) {
  for (const char* q : {"?date=2024-02-30", "?date=2025-02-29", "?date=24-03-10", "?date=today",
                        "?date=1969-12-31", "?date=2024-3-1"}) {
    Reply r = get(std::string(kMemories) + q, ann_.token);
    EXPECT_EQ(r.status, 422) << q << " " << r.body;
    EXPECT_EQ(str(json(r), "error"), "Validation failed: Date must be a date, YYYY-MM-DD") << q;
  }
  EXPECT_EQ(get(kMemories).status, 401);
  EXPECT_EQ(get(kMemories, default_app_token()).status, 422);
}

TEST_F(MemoriesApi, HiddenRangeHidesItsDaysUntilItsOwnerDeletesIt) {
  const std::string y2021 = post_at(at("2021-03-10"), ann_, "2021");
  const std::string y2022 = post_at(at("2022-03-10"), ann_, "2022, a hard year");
  const std::string y2023 = post_at(at("2023-03-10"), ann_, "2023");
  Reply r = post(kRanges,
                 {{"start_date", "2022-01-01"}, {"end_date", "2022-12-31"}, {"note", "that year"}},
                 ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string id = str(json(r), "id");
  EXPECT_EQ(r.body,
            R"({"id":")" + id +
                R"(","start_date":"2022-01-01","end_date":"2022-12-31","note":"that year"})");
  // A one-day range, both ends included, sent as a form.
  r = post_form(std::string(kRanges),
                form_body({{"start_date", "2021-03-10"}, {"end_date", "2021-03-10"}}), ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string day = str(json(r), "id");
  EXPECT_EQ(memories(ann_, at("2024-03-10")),
            (std::vector<std::string>{"1|One year ago|2023-03-10|" + y2023}));
  // Hidden ones never come back by themselves: not a year later, not after a restart.
  restart();
  EXPECT_EQ(memories(ann_, at("2025-03-10")),
            (std::vector<std::string>{"2|2 years ago|2023-03-10|" + y2023}));
  r = get(kRanges, ann_.token);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(ids(r), (std::vector<std::string>{day, id}));
  EXPECT_TRUE(json(r).as_array().at(0).at("note").is_null());
  // Bob neither sees nor deletes Ann's ranges.
  EXPECT_EQ(get(kRanges, bob_.token).body, "[]");
  EXPECT_EQ(del(std::string(kRanges) + "/" + id, bob_.token).status, 404);
  EXPECT_EQ(memories(ann_, at("2024-03-10")).size(), 1u);
  r = del(std::string(kRanges) + "/" + id, ann_.token);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(del(std::string(kRanges) + "/" + id, ann_.token).status, 404);
  EXPECT_EQ(memories(ann_, at("2024-03-10")),
            (std::vector<std::string>{"1|One year ago|2023-03-10|" + y2023,
                                      "2|2 years ago|2022-03-10|" + y2022}));
  EXPECT_EQ(ids(get(kRanges, ann_.token)), (std::vector<std::string>{day}));
}

TEST_F(MemoriesApi, HiddenRangeDaysAreTheReadersDays) {
  // 23:30 UTC on 15 June 2023 is 16 June in Berlin.
  const std::string late = post_at(at("2023-06-15", 23, 30), ann_, "late");
  ASSERT_EQ(
      post(kRanges, {{"start_date", "2023-06-16"}, {"end_date", "2023-06-16"}}, ann_.token).status,
      200);
  EXPECT_EQ(memories(ann_, at("2024-06-15", 12)),
            (std::vector<std::string>{"1|One year ago|2023-06-15|" + late}));
  ASSERT_EQ(patch_preferences({{"time_zone", "Europe/Berlin"}}, ann_).status, 200);
  EXPECT_EQ(memories(ann_, at("2024-06-16", 12)), std::vector<std::string>{});
}

TEST_F(MemoriesApi, HiddenRangeBadInputIs422AndStoresNothing) {
  struct Case {
    boost::json::object body;
    std::string error;
  };
  const std::string too_long(201, 'x');
  const std::vector<Case> cases = {
      {{}, "Validation failed: Start date must be a date, YYYY-MM-DD"},
      {{{"start_date", "2022-01-01"}}, "Validation failed: End date must be a date, YYYY-MM-DD"},
      {{{"start_date", "2022-02-30"}, {"end_date", "2022-03-01"}},
       "Validation failed: Start date must be a date, YYYY-MM-DD"},
      {{{"start_date", "2022-01-01"}, {"end_date", "2023-02-29"}},
       "Validation failed: End date must be a date, YYYY-MM-DD"},
      {{{"start_date", "2022-01-01T00:00:00Z"}, {"end_date", "2022-02-01"}},
       "Validation failed: Start date must be a date, YYYY-MM-DD"},
      {{{"start_date", "2022-06-01"}, {"end_date", "2022-05-31"}},
       "Validation failed: End date must not be before the start date"},
      {{{"start_date", "2000-01-01"}, {"end_date", "2010-01-10"}},
       "Validation failed: Date range must be at most ten years long"},
      {{{"start_date", "2022-01-01"}, {"end_date", "2022-01-02"}, {"note", too_long}},
       "Validation failed: Note is too long (maximum is 200 characters)"},
      {{{"start_date", boost::json::array{"2022-01-01"}}, {"end_date", "2022-01-02"}},
       "Invalid value for parameter start_date"},
  };
  for (const auto& c : cases) {
    Reply r = post(kRanges, c.body, ann_.token);
    EXPECT_EQ(r.status, 422) << boost::json::serialize(c.body) << " -> " << r.body;
    EXPECT_EQ(str(json(r), "error"), c.error) << boost::json::serialize(c.body);
  }
  EXPECT_EQ(get(kRanges, ann_.token).body, "[]");
  EXPECT_EQ(del(std::string(kRanges) + "/12345", ann_.token).status, 404);
  EXPECT_EQ(del(std::string(kRanges) + "/not-an-id", ann_.token).status, 404);
  EXPECT_EQ(post(kRanges, {{"start_date", "2022-01-01"}, {"end_date", "2022-01-02"}}).status, 401);
  // At most 100 ranges.
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(post(kRanges, {{"start_date", "2022-01-01"}, {"end_date", "2022-01-02"}}, ann_.token)
                  .status,
              200);
  }
  Reply r = post(kRanges, {{"start_date", "2022-01-01"}, {"end_date", "2022-01-02"}}, ann_.token);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(str(json(r), "error"), "Validation failed: You can hide at most 100 date ranges");
  EXPECT_EQ(json(get(kRanges, ann_.token)).as_array().size(), 100u);
}

TEST_F(MemoriesApi, HiddenAccountHidesMemoriesThatMentionOrReplyToIt) {
  const User cat = register_user("cat");
  const std::string bobs = post_at(at("2023-03-10", 8), bob_, "bob's post");
  const std::string mention = post_at(at("2023-03-10", 9), ann_, "with @bob at the lake");
  const std::string reply =
      post_at(at("2023-03-10", 10), ann_, "lovely", {{"in_reply_to_id", bobs}});
  const std::string with_cat = post_at(at("2023-03-10", 11), ann_, "with @cat");
  const std::string alone = post_at(at("2023-03-10", 12), ann_, "on my own");
  auto all = std::vector<std::string>{
      "1|One year ago|2023-03-10|" + alone, "1|One year ago|2023-03-10|" + with_cat,
      "1|One year ago|2023-03-10|" + reply, "1|One year ago|2023-03-10|" + mention};
  EXPECT_EQ(memories(ann_, at("2024-03-10")), all);

  Reply r = post(kAccounts, {{"account_id", bob_.id}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "id"), bob_.id);
  EXPECT_EQ(post(kAccounts, {{"account_id", bob_.id}}, ann_.token).status, 200);  // idempotent
  EXPECT_EQ(memories(ann_, at("2024-03-10")),
            (std::vector<std::string>{"1|One year ago|2023-03-10|" + alone,
                                      "1|One year ago|2023-03-10|" + with_cat}));
  restart();
  EXPECT_EQ(memories(ann_, at("2026-03-10")).size(), 2u);
  EXPECT_EQ(ids(get(kAccounts, ann_.token)), (std::vector<std::string>{bob_.id}));
  EXPECT_EQ(get(kAccounts, bob_.token).body, "[]");

  r = del(std::string(kAccounts) + "/" + bob_.id, ann_.token);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(del(std::string(kAccounts) + "/" + bob_.id, ann_.token).status, 404);
  EXPECT_EQ(memories(ann_, at("2024-03-10")), all);
  EXPECT_EQ(get(kAccounts, ann_.token).body, "[]");
}

TEST_F(MemoriesApi, HiddenAccountBadInput) {
  struct Case {
    boost::json::object body;
    int status;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{}, 422, "Validation failed: account_id is missing"},
      {{{"account_id", "abc"}}, 422, "Invalid value for parameter account_id"},
      {{{"account_id", "12345"}}, 404, "Record not found"},
      {{{"account_id", ann_.id}}, 422, "Validation failed: You cannot hide your own account"},
  };
  for (const auto& c : cases) {
    Reply r = post(kAccounts, c.body, ann_.token);
    EXPECT_EQ(r.status, c.status) << boost::json::serialize(c.body) << " -> " << r.body;
    EXPECT_EQ(str(json(r), "error"), c.error) << boost::json::serialize(c.body);
  }
  EXPECT_EQ(get(kAccounts, ann_.token).body, "[]");
  EXPECT_EQ(del(std::string(kAccounts) + "/" + bob_.id, ann_.token).status, 404);
  EXPECT_EQ(post(kAccounts, {{"account_id", bob_.id}}).status, 401);
}

TEST_F(MemoriesApi, HiddenStatusStaysHiddenUntilUnhidden) {
  const std::string a = post_at(at("2022-03-10"), ann_, "two years ago");
  const std::string b = post_at(at("2023-03-10"), ann_, "one year ago");
  Reply r = post(kStatuses, {{"status_id", b}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "id"), b);
  EXPECT_EQ(memories(ann_, at("2024-03-10")),
            (std::vector<std::string>{"2|2 years ago|2022-03-10|" + a}));
  EXPECT_EQ(memories(ann_, at("2027-03-10")),
            (std::vector<std::string>{"5|5 years ago|2022-03-10|" + a}));
  EXPECT_EQ(ids(get(kStatuses, ann_.token)), (std::vector<std::string>{b}));
  EXPECT_EQ(del(std::string(kStatuses) + "/" + b, bob_.token).status, 404);
  EXPECT_EQ(del(std::string(kStatuses) + "/" + b, ann_.token).status, 200);
  EXPECT_EQ(memories(ann_, at("2024-03-10")).size(), 2u);
  EXPECT_EQ(get(kStatuses, ann_.token).body, "[]");
}

TEST_F(MemoriesApi, HiddenStatusMustBeTheReadersOwnPost) {
  const std::string bobs = post_at(at("2023-03-10"), bob_, "bob's");
  const std::string bobs_private =
      post_at(at("2023-03-11"), bob_, "bob's own", {{"visibility", "private"}});
  clock().set_ms(at("2023-03-12"));
  Reply reblog = post("/api/v1/statuses/" + bobs + "/reblog", {}, ann_.token);
  ASSERT_EQ(reblog.status, 200);
  const std::string reblog_id = str(json(reblog), "id");
  struct Case {
    boost::json::object body;
    int status;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{}, 422, "Validation failed: status_id is missing"},
      {{{"status_id", "x1"}}, 422, "Invalid value for parameter status_id"},
      {{{"status_id", "12345"}}, 404, "Record not found"},
      {{{"status_id", bobs}}, 404, "Record not found"},
      {{{"status_id", bobs_private}}, 404, "Record not found"},
      {{{"status_id", reblog_id}}, 404, "Record not found"},
  };
  for (const auto& c : cases) {
    Reply r = post(kStatuses, c.body, ann_.token);
    EXPECT_EQ(r.status, c.status) << boost::json::serialize(c.body) << " -> " << r.body;
    EXPECT_EQ(str(json(r), "error"), c.error) << boost::json::serialize(c.body);
  }
  EXPECT_EQ(get(kStatuses, ann_.token).body, "[]");
  EXPECT_EQ(del(std::string(kStatuses) + "/" + bobs, ann_.token).status, 404);
}

}  // namespace
}  // namespace kindred::testing
