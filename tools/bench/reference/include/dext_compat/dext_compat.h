// Stand-in for dext-compat's C header, used only by the size benchmark: the
// sample's C ABI call goes to the hand-written reference fixup that matches
// its options. The option bits are constants at the call site, so the
// compiler folds the choice away as it would for pasted code.
#ifndef DEXT_COMPAT_DEXT_COMPAT_H
#define DEXT_COMPAT_DEXT_COMPAT_H

#include <stdint.h>

#include "ReferenceFixup.h"

#define DEXT_COMPAT_QUEUE_KEEP_EXISTING ((uint32_t)1 << 0)
#define DEXT_COMPAT_QUEUE_CREATE_DEDICATED ((uint32_t)1 << 1)
#define DEXT_COMPAT_QUEUE_NO_LOG ((uint32_t)1 << 2)

inline int dext_compat_ensure_external_method_queue(IOUserClient *user_client)
{
    return ReferenceEnsureExternalMethodQueue(user_client);
}

// Only the combinations the sample uses have a hand-written counterpart:
// none, and CREATE_DEDICATED together with KEEP_EXISTING.
inline int dext_compat_ensure_external_method_queue_with_options(IOUserClient *user_client, uint32_t options)
{
    if (options & DEXT_COMPAT_QUEUE_CREATE_DEDICATED) {
        return ReferenceEnsureDedicatedExternalMethodQueue(user_client);
    }
    return ReferenceEnsureExternalMethodQueue(user_client);
}

#endif
