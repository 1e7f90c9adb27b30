#include "social/identity/instance.h"

namespace kindred::social {

Result<InstanceStats> instance_stats(const store::Store& store) {
  InstanceStats s;
  KINDRED_ASSIGN_OR_RETURN(s.user_count,
                           store.assoc_count(store::kInstanceNode, store::AssocType::kInstanceAccounts));
  KINDRED_ASSIGN_OR_RETURN(s.status_count,
                           store.assoc_count(store::kInstanceNode, store::AssocType::kInstanceStatuses));
  return s;
}

}  // namespace kindred::social
