#pragma once

// What the moderation pages (moderation_pages.cpp, audit_page.cpp) share. Internal to the web
// layer; every page here is for moderators and admins (social::is_staff) only.
#include <string>
#include <vector>

#include "web/page.h"

namespace kindred::web {

// The page a signed-in person who is not staff gets for a moderation page or form: 403, in a
// sentence, with a link home. Nothing is changed.
http::Response forbidden_page(const PageContext& c);

// The moderation pages' tabs: open reports, resolved reports, the audit log.
enum class ModerationTab { kOpen, kResolved, kAudit };
// The tabs as a rendered <nav>, `current` marked with aria-current.
std::string moderation_nav(const PageContext& c, ModerationTab current);

// The newest posts and comments of `account_id`, at most `limit`, hidden or not, as the reader
// (staff) reviews them (ModerationService::recent_posts).
Result<std::vector<social::PostView>> recent_posts(const PageContext& c, Id account_id, size_t limit);

// GET /admin/audit (audit_page.cpp).
void register_audit_page(const Routes& r);

}  // namespace kindred::web
