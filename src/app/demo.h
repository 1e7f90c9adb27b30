#pragma once

#include "core/status.h"
#include "social/identity/accounts.h"
#include "social/care/comment_holds.h"
#include "social/posts/comments.h"
#include "social/posts/likes.h"
#include "social/photos/media.h"
#include "social/posts/posts.h"
#include "social/identity/profiles.h"
#include "social/posts/reblogs.h"
#include "social/graph/relationships.h"

namespace kindred::app {

// The demo accounts' password, shown in the README.
inline constexpr std::string_view kDemoPassword = "kindred-demo";

struct DemoServices {
  social::AccountService& accounts;
  social::PostService& posts;
  social::LikeService& likes;
  social::MediaService& media;
  social::ProfileService& profiles;
  social::RelationshipService& relationships;
  social::ReblogService& reblogs;
  social::CommentService& comments;
  social::CommentHoldService& holds;
  const store::Store& store;
  // What the demo's backdated posts (Jonas's memories) are written with, through a PostService
  // of their own whose clock stands in an earlier year.
  social::Deps deps;
};

// Seeds a small, believable community: friends with avatars, headers and photo posts (some
// verified public figures; a memorial account; strangers who only come to comment), follows,
// about two dozen public photo posts with alt text and hashtags (one with four photos, one marked
// sensitive, one behind a content warning, one whose author hides its like count), likes from
// everyone, reblogs, and a memorial post with some thirty comments, replies under some, one
// pinned by its author and two cruel ones held by the author's hidden words (shown only to their
// writers and, in review, to the author); and posts from this day in earlier years (memories
// for Jonas). The photos are drawn here (libvips gradients and shapes; nothing is downloaded)
// and go through the upload pipeline. Does nothing when any account exists already.
Status seed_demo(const DemoServices& s);

}  // namespace kindred::app
