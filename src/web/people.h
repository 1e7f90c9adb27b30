#pragma once

// What the signed-in pages of people_pages.cpp, feed_pages.cpp, notification_pages.cpp and
// memory_pages.cpp share: their routes, a post shown as a card in a list, the profile's buttons,
// and the page that says in a sentence why a form changed nothing. Internal to the web layer.
#include <optional>
#include <string>

#include "social/model/calendar.h"
#include "web/page.h"

namespace kindred::web {

// GET /home (feed_pages.cpp).
void register_feed_pages(const Routes& r);
// GET /notifications (notification_pages.cpp).
void register_notification_pages(const Routes& r);
// GET /memories and its hide forms (memory_pages.cpp).
void register_memory_pages(const Routes& r);

// How a post is shown as a card in a list (card.mustache).
struct CardOptions {
  std::string return_to;    // where the card's forms come back to (its own "#p-<id>" is added)
  std::string level = "2";  // the heading level of the author's name ("2" or "3")
  std::string extra_html;   // more forms under the card (a rendered template), may be empty
  bool actions = true;      // the Like and Comment buttons (off where the reader reviews posts)
};
// One post of a list: its author (and who shared it), its first photo with its alt text ("N
// photos" when several), a content warning or sensitive photo folded into <details>, the
// caption, like and comment counts, the time, a Like form and a link to its page. `v` may be a
// reblog: the card shows the post it shares, and data-id stays the list entry's own id.
std::string render_card(const PageContext& c, const social::PostView& v, const CardOptions& o);

// The buttons a signed-in reader has on `a`'s profile (profile.mustache's "actions"): "Edit
// profile" for the owner; for anyone else Follow / Unfollow / Cancel request, the answer to a
// follow request, and Block, Mute and Restrict or their undoing. False when signed out.
Data profile_actions(const PageContext& c, const social::Account& a);

// A form that changed nothing, and why, in one sentence: `status` (422, 404) with a link back.
http::Response refused(const PageContext& c, int status, std::string sentence, std::string back,
                       std::string back_text);

// max_id from the request's query: Id() when absent, nullopt when malformed.
std::optional<Id> query_max_id(const PageContext& c);
// "12 likes": {value, text, word} with the number as the reader's language writes it.
// `key` names the plural word (web/text.h): "count.likes" gives "like" or "likes".
Data count_words(const PageContext& c, int64_t n, std::string_view key);
// "2 December 2024"
std::string date_words(const PageContext& c, const social::CivilDate& d);

}  // namespace kindred::web
