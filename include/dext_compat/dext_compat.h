// dext-compat: keeps DriverKit 21+ dexts from aborting on macOS 10.15 and 11
// when a client calls an external method.
//
// Call dext_compat_ensure_external_method_queue(this) in Start of every
// IOUserClient subclass, after super::Start and before the first external
// method can arrive. Without it, a dext built with the DriverKit 21 SDK or
// newer aborts in OSMetaClassBase::QueueForObject on the DriverKit 19 and 20
// runtimes, because their ExternalMethod queue slot is empty.
//
// This is the plain C ABI. C++ code can instead include the cxx header
// "dext-compat/src/bridge.rs.h" and call
// dext_compat::ensure_external_method_queue(*this).
#ifndef DEXT_COMPAT_DEXT_COMPAT_H
#define DEXT_COMPAT_DEXT_COMPAT_H

#include <stdint.h>

#ifdef __cplusplus
class IOService;
class IOUserClient;
#else
typedef struct IOService IOService;
typedef struct IOUserClient IOUserClient;
#endif

// Policies for the named queue; 0 is the plain fix. Bits not listed here make
// every call return kIOReturnBadArgument before any DriverKit call.

// Keep a queue the dext has already set under the name.
#define DEXT_COMPAT_QUEUE_KEEP_EXISTING ((uint32_t)1 << 0)
// Create a dedicated serial queue under the name instead of naming the
// default queue, so external methods do not wait behind the default queue.
#define DEXT_COMPAT_QUEUE_CREATE_DEDICATED ((uint32_t)1 << 1)
// Do not os_log failures; the return code still reports them.
#define DEXT_COMPAT_QUEUE_NO_LOG ((uint32_t)1 << 2)

#ifdef __cplusplus
extern "C" {
#endif

// Sets the queue named kIOUserClientQueueNameExternalMethod to the user
// client's default queue. Returns kIOReturnSuccess, also when the SDK the
// library was built with predates that name and nothing needs doing;
// kIOReturnBadArgument for a null pointer; otherwise the code of the DriverKit
// call that failed, which has been logged once with os_log.
int dext_compat_ensure_external_method_queue(IOUserClient *user_client);

// The same with DEXT_COMPAT_QUEUE_* options.
int dext_compat_ensure_external_method_queue_with_options(IOUserClient *user_client, uint32_t options);

// Sets any named queue of any service, for example the AuxiliaryQueue and
// InterruptQueue of a SCSI controller dext. `name` must be a NUL-terminated
// string of 1 to 255 bytes; otherwise, or for a null service, the call returns
// kIOReturnBadArgument before any DriverKit call.
int dext_compat_ensure_named_queue(IOService *service, const char *name, uint32_t options);

#ifdef __cplusplus
}
#endif

#endif
