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

// Seeds a small, believable instance: a few accounts (one a verified public figure) with
// avatars, follows, photo posts with alt text, likes, reblogs, threaded comments and a comment
// pinned by its post's author, a cruel comment held by the author's hidden words (shown only to
// its writer and, in review, to the author), and posts from this day in earlier years (memories for Jonas). The
// photos are drawn here (libvips gradients and shapes; nothing is downloaded) and go through the
// upload pipeline. Does nothing when any account exists already.
Status seed_demo(const DemoServices& s);

}  // namespace kindred::app
