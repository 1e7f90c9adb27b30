#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/clock.h"
#include "http/rate_limiter.h"
#include "http/router.h"
#include "social/safety/account_deletion.h"
#include "social/identity/accounts.h"
#include "social/identity/activity.h"
#include "social/identity/announcements.h"
#include "social/graph/discovery.h"
#include "social/care/comment_holds.h"
#include "social/posts/comments.h"
#include "social/graph/conversations.h"
#include "social/graph/feeds.h"
#include "social/graph/lists.h"
#include "social/care/filters.h"
#include "social/posts/likes.h"
#include "social/photos/media.h"
#include "social/care/memories.h"
#include "social/graph/notification_policy.h"
#include "social/graph/notifications.h"
#include "social/identity/oauth.h"
#include "social/identity/sessions.h"
#include "social/posts/posts.h"
#include "social/identity/preferences.h"
#include "social/identity/push.h"
#include "social/identity/profiles.h"
#include "social/posts/reblogs.h"
#include "social/posts/polls.h"
#include "social/posts/scheduled.h"
#include "social/graph/relationships.h"
#include "social/care/support.h"
#include "social/graph/domain_blocks.h"
#include "social/safety/moderation.h"
#include "social/safety/archive.h"
#include "social/safety/data_lists.h"
#include "social/safety/reports.h"
#include "social/graph/tags.h"
#include "social/posts/trends.h"
#include "social/search/search.h"
#include "social/streaming/hub.h"

namespace kindred::api {

inline constexpr std::string_view kKindredVersion = "0.1.0";
inline constexpr std::string_view kMastodonVersion = "4.3.0";

struct ApiConfig {
  std::string base_url = "http://127.0.0.1:8080";
  std::string domain = "127.0.0.1:8080";
  std::string title = "Kindred";
  std::string description = "A photo-sharing community that meets people with care.";
  std::string contact_email;
  std::string source_url;  // Kindred's source code, for /api/v2/instance
  // Where an admin keeps the instance's texts (extended_description.txt, privacy_policy.txt,
  // terms_of_service.txt); empty: the shipped defaults only.
  std::string data_dir;
  social::RegistrationMode registrations = social::RegistrationMode::kOpen;
  size_t max_status_chars = 500;
  bool rate_limits = true;
  int64_t api_limit = 300;                       // requests per window per account or IP
  int64_t api_period_ms = 5 * 60 * 1000;
  int64_t signup_limit = 5;                      // sign-ups per window per IP
  int64_t signup_period_ms = 30 * 60 * 1000;
  int64_t sign_in_limit = 25;                    // password and code attempts per window per IP
  int64_t sign_in_period_ms = 5 * 60 * 1000;
  // Password attempts per window per account named (username or email), from any address, as
  // Mastodon's throttle_login_attempts/email: against guessing one password from many places.
  int64_t sign_in_account_limit = 25;
  int64_t sign_in_account_period_ms = 60 * 60 * 1000;
  int64_t media_limit = 30;                      // uploads per window per account
  int64_t media_period_ms = 30 * 60 * 1000;
  // Several nodes: the limits count in shared counters (http::RateLimiter::Sharing).
  http::RateLimiter::Sharing limit_sharing;
  // How long POST /api/v2/media waits for processing before answering 202 (url null).
  std::chrono::milliseconds media_wait{3000};
};

// Everything the Mastodon API handlers borrow. Built once in main; outlives the server.
struct ApiServices {
  const ApiConfig& config;
  const Clock& clock;
  const store::Store& store;  // read-only: instance statistics
  social::AccountService& accounts;
  social::OAuthService& oauth;
  social::SessionService& sessions;
  social::PostService& posts;
  social::LikeService& likes;
  social::ReblogService& reblogs;
  social::MediaService& media;
  social::ProfileService& profiles;
  social::RelationshipService& relationships;
  social::FeedService& feeds;
  social::NotificationService& notifications;
  social::CommentService& comments;
  social::SupportService& support;
  social::PreferencesService& preferences;
  social::MemoryService& memories;
  social::CommentHoldService& holds;
  social::FilterService& filters;
  social::DomainBlockService& domain_blocks;
  social::ReportService& reports;
  social::ListService& lists;
  social::ConversationService& conversations;
  social::TagService& tags;
  social::TrendService& trends;
  social::NotificationPolicyService& notification_policies;
  social::PushService& push;
  social::AnnouncementService& announcements;
  social::ActivityService& activity;
  social::DiscoveryService& discovery;
  social::ScheduledPostService& scheduled;
  social::SearchService& search;
  social::PollService& polls;
  // Set by MastodonApi when rate limits are on: password attempts per account named.
  http::RateLimiter* sign_in_account_limiter = nullptr;
  // Live updates (set by the instance; null: the streaming endpoints other than health are
  // not registered).
  social::StreamHub* streams = nullptr;
  // Moderation of accounts (set by the instance; null: the admin accounts routes are not
  // registered).
  social::ModerationService* moderation = nullptr;
  // A person's data in Mastodon's formats (set by the instance; null: the
  // /api/v1/kindred/exports, imports and archive routes are not registered).
  social::DataListService* data_lists = nullptr;
  social::ArchiveService* archives = nullptr;
  // Account deletion (set by the instance; null: POST /api/v1/kindred/account/delete answers
  // 503).
  social::AccountDeletion* deletion = nullptr;
};

// Counts one password attempt against the account `username_or_email` names (case-insensitive)
// and says whether it may go ahead. Always true with rate limits off.
bool sign_in_attempt_allowed(ApiServices& s, std::string_view username_or_email);

// Registers every Mastodon route and the rate-limit filter on `router`. The returned object owns
// the rate-limit state and must outlive the router's use.
class MastodonApi {
 public:
  MastodonApi(ApiServices services, http::Router& router);
  ~MastodonApi();
  MastodonApi(const MastodonApi&) = delete;
  MastodonApi& operator=(const MastodonApi&) = delete;

  // The sign-in and sign-up limiters (null with rate limits off), for the web pages' forms to
  // count against the same budgets.
  http::RateLimiter* sign_in_limiter() const { return sign_in_limiter_.get(); }
  http::RateLimiter* sign_in_account_limiter() const { return sign_in_account_limiter_.get(); }
  http::RateLimiter* signup_limiter() const { return signup_limiter_.get(); }

 private:
  ApiServices services_;
  std::unique_ptr<http::RateLimiter> api_limiter_;
  std::unique_ptr<http::RateLimiter> signup_limiter_;
  std::unique_ptr<http::RateLimiter> sign_in_limiter_;
  std::unique_ptr<http::RateLimiter> sign_in_account_limiter_;
  std::unique_ptr<http::RateLimiter> media_limiter_;
};

// Per-resource route registration, one per file in api/mastodon/.
void register_app_routes(http::Router& router, ApiServices& s);
void register_oauth_routes(http::Router& router, ApiServices& s);
void register_account_routes(http::Router& router, ApiServices& s);
void register_status_routes(http::Router& router, ApiServices& s);
void register_status_edit_routes(http::Router& router, ApiServices& s);
void register_scheduled_status_routes(http::Router& router, ApiServices& s);
void register_poll_routes(http::Router& router, ApiServices& s);
void register_favourite_routes(http::Router& router, ApiServices& s);
void register_instance_routes(http::Router& router, ApiServices& s);
void register_media_routes(http::Router& router, ApiServices& s);
void register_relationship_routes(http::Router& router, ApiServices& s);
void register_timeline_routes(http::Router& router, ApiServices& s);
void register_streaming_routes(http::Router& router, ApiServices& s);
// The streaming API's base URL: the instance's base URL with ws:// or wss:// for its scheme.
std::string streaming_url(const ApiConfig& c);
void register_notification_routes(http::Router& router, ApiServices& s);
void register_notification_request_routes(http::Router& router, ApiServices& s);
void register_push_routes(http::Router& router, ApiServices& s);
void register_filter_routes(http::Router& router, ApiServices& s);
void register_startup_routes(http::Router& router, ApiServices& s);
void register_domain_block_routes(http::Router& router, ApiServices& s);
void register_report_routes(http::Router& router, ApiServices& s);
void register_admin_report_routes(http::Router& router, ApiServices& s);
void register_admin_account_routes(http::Router& router, ApiServices& s);
void register_list_routes(http::Router& router, ApiServices& s);
void register_conversation_routes(http::Router& router, ApiServices& s);
void register_tag_routes(http::Router& router, ApiServices& s);
void register_trend_routes(http::Router& router, ApiServices& s);
void register_announcement_routes(http::Router& router, ApiServices& s);
void register_instance_text_routes(http::Router& router, ApiServices& s);
void register_discovery_routes(http::Router& router, ApiServices& s);
void register_oauth_discovery_routes(http::Router& router, ApiServices& s);

// Writes the shipped default texts (extended description, privacy policy, terms of service)
// into `data_dir` where an admin has none yet, for the admin to edit.
Status write_default_instance_texts(const std::string& data_dir, const std::string& title);
void register_search_routes(http::Router& router, ApiServices& s);
// Kindred's extensions under /api/v1/kindred/, one per file in api/kindred/.
void register_kindred_comment_routes(http::Router& router, ApiServices& s);
void register_kindred_support_routes(http::Router& router, ApiServices& s);
void register_kindred_preference_routes(http::Router& router, ApiServices& s);
void register_kindred_account_deletion_routes(http::Router& router, ApiServices& s);
void register_kindred_memory_routes(http::Router& router, ApiServices& s);
void register_kindred_hold_routes(http::Router& router, ApiServices& s);
void register_kindred_comment_control_routes(http::Router& router, ApiServices& s);
void register_kindred_data_routes(http::Router& router, ApiServices& s);
// GET /api/v1/kindred/admin/audit_log (api/kindred/audit_log.cpp).
void register_kindred_audit_log_routes(http::Router& router, ApiServices& s);

}  // namespace kindred::api
