#pragma once

#include "api/mastodon/entities/json_writer.h"
#include "social/model/views.h"

// Comment controls on the Status entity. Pure functions: no store, no I/O.
namespace kindred::api::entities {

// The value of a Status's `interaction_policy`, in GoToSocial's shape: can_favourite, can_reply
// and can_reblog, each {"always": [...], "with_approval": []}, with GoToSocial's keywords
// ("public", "followers", "following", "mentioned", "author") and "me" when the viewer may do it.
void write_interaction_policy(JsonWriter& w, const social::PostView& v);

// Whether the Status's `kindred` object has comment-control members to show.
bool has_comment_controls_extension(const social::PostView& v);
// Those members, inside an open `kindred` object: comment_policy (when not "everyone"); for a
// signed-in viewer, can_reply (when comments are limited on the post, or the viewer may not reply
// because of its thread's top post); favourites_count_hidden (when the like count is hidden from
// all but the author).
void write_comment_controls_extension(JsonWriter& w, const social::PostView& v);

}  // namespace kindred::api::entities
