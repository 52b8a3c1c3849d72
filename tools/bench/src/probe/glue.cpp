// C entry points through which the probe calls the cxx form of the helper and
// the reference fixup. Each is compiled apart from its callee, so the callee
// stays a function of its own that callgrind can collect.
#include <stdint.h>

#include "ReferenceFixup.h"
#include "dext-compat/src/bridge.rs.h"

extern "C" int32_t dext_compat_bench_call_cxx(IOUserClient *user_client)
{
    return dext_compat::ensure_external_method_queue(*user_client);
}

extern "C" int32_t dext_compat_bench_call_reference(IOUserClient *user_client)
{
    return ReferenceEnsureExternalMethodQueue(user_client);
}
