#!/usr/bin/env bash
# Checks the rule of docs/ARCHITECTURE.md, "The domain's parts": a file in src/social/<part>/ may
# include headers of its own part and of the parts before it in this order, and upwards only the
# few seams listed in ALLOWED_UP (each says why). Run by ctest (social_parts); prints every
# include that breaks the rule and exits 1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../src/social"

ORDER=(model photos identity posts graph care safety search streaming)

# file -> header it may include although the header's part comes later.
ALLOWED_UP=(
  # A like's notice is written in the like's own batch (LikeNotices is a member of LikeService).
  "posts/likes.h graph/notifications.h"
  # Mention and reblog notices are written in the post's batch; a muted author's posts are left
  # out of threads (mute_in_force).
  "posts/posts.cpp graph/notifications.h"
  # An edit's new mentions and its rebloggers' update notices, written as posts.cpp writes them.
  "posts/edits.cpp graph/notifications.h"
  # The end of a poll tells its voters and author, as the post's other notices are written.
  "posts/polls.cpp graph/notifications.h"
  "posts/posts.cpp graph/relationships.h"
  # A PostView is completed by the care features: filters and support cards are set on
  # PostService at start-up (set_filters, set_support); who may reply is a pure function.
  "posts/posts.cpp care/filters.h"
  "posts/posts.cpp care/support.h"
  "posts/posts.cpp care/comment_controls.h"
)

rank() {
  local i
  for i in "${!ORDER[@]}"; do [[ "${ORDER[$i]}" == "$1" ]] && { echo "$i"; return; }; done
  echo -1
}

bad=0
for dir in */; do
  part=${dir%/}
  r=$(rank "$part")
  if ((r < 0)); then echo "src/social/$part/ is not a known part (add it to ORDER and ARCHITECTURE.md)"; bad=1; continue; fi
  for file in "$part"/*.h "$part"/*.cpp; do
    [[ -e "$file" ]] || continue
    while read -r header; do
      hpart=${header%%/*}
      hr=$(rank "$hpart")
      ((hr >= 0 && hr <= r)) && continue
      for allowed in "${ALLOWED_UP[@]}"; do [[ "$allowed" == "$file $header" ]] && continue 2; done
      echo "src/social/$file includes social/$header, a later part"
      bad=1
    done < <(sed -n 's/^#include "social\/\([a-z_]*\/[a-z_]*\.h\)".*/\1/p' "$file")
  done
done
for f in *.h *.cpp; do
  [[ -e "$f" ]] && { echo "src/social/$f: every file belongs to a part's folder"; bad=1; }
done
((bad == 0)) && echo "social parts: every include follows ${ORDER[*]}"
exit "$bad"
