#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/id.h"
#include "media/blob_store.h"
#include "social/identity/accounts.h"
#include "social/model/context.h"
#include "social/photos/media.h"
#include "social/posts/posts.h"
#include "store/store.h"

namespace kindred::testing {

// The services a post needs (accounts, media, posts) over `store`, wired as main wires them, for
// tests below the API. Time is its own ManualClock starting at `start_ms`; photo files go under
// `media_dir`. Tests add the services they study on top (`deps` is what each one borrows).
struct SocialStack {
  SocialStack(store::Store& store, const std::string& media_dir, int64_t start_ms)
      : clock(start_ms),
        ids(clock),
        deps{store, clock, ids, config},
        accounts(deps, hasher, social::RegistrationMode::kOpen),
        blobs(media_dir),
        media(deps, blobs, social::MediaConfig{}),
        posts(deps, accounts, media) {}

  ManualClock clock;
  IdGenerator ids;
  social::SocialConfig config;
  social::PasswordHasher hasher{1, true};
  social::Deps deps;
  social::AccountService accounts;
  media::BlobStore blobs;
  social::MediaService media;
  social::PostService posts;
};

}  // namespace kindred::testing
