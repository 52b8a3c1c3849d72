// Stand-in for dext-compat's cxx header, used only by the size benchmark: it
// compiles the sample dext unchanged but routes its helper call to the
// hand-written reference fixup, so the linked sample carries ReferenceFixup
// instead of libdext_compat.a.
#pragma once

#include "ReferenceFixup.h"

namespace dext_compat {

inline int32_t ensure_external_method_queue(IOUserClient &user_client)
{
    return ReferenceEnsureExternalMethodQueue(&user_client);
}

}  // namespace dext_compat
