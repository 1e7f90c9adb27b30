#pragma once

#include "api/mastodon/api.h"
#include "api/mastodon/input.h"

namespace kindred::api {

// Reads the comment controls of POST /api/v1/statuses into `p`: Kindred's
// `kindred_comment_policy` (everyone, following, followers, mentioned, nobody) and
// `kindred_hide_favourites_count` (boolean), or GoToSocial's `interaction_policy` where it maps
// exactly onto a Kindred policy. Without either, the author's default_reply_policy applies.
// Errors: InvalidArgument for a bad value, or an interaction_policy Kindred cannot honour
// exactly (approval lists, limits on likes or boosts, account URIs).
Status read_new_post_comment_controls(const Input& in, const ApiServices& s, Id author,
                                      social::NewPost& p);

}  // namespace kindred::api
