// One DriverKit call per function; see shims.h for why these exist.
#include "dext-compat/cpp/shims.h"

#include <os/log.h>

#include <type_traits>

static_assert(sizeof(kern_return_t) == sizeof(int32_t), "the shims return kern_return_t as int32_t");
static_assert(sizeof(IODispatchQueueName) == 256, "queue names are checked against 256 bytes");

// The Rust side turns an IOUserClient pointer into an IOService pointer
// without a call. That holds because IOService is IOUserClient's only,
// non-virtual base and both are dynamic classes, so under the Itanium C++ ABI
// IOService is the primary base, at offset 0.
static_assert(std::is_base_of<IOService, IOUserClient>::value, "IOUserClient derives from IOService");
static_assert(std::is_polymorphic<IOService>::value, "IOService is a dynamic class");

// The shims carry no unwind tables: each one only forwards its arguments,
// most of them as a tail call that leaves no frame behind, and DriverKit's
// crash reports walk the frame-pointer chain that Apple's ABIs keep anyway.
// The tables would otherwise be most of what the shims add to a dext.
#if defined(__has_attribute)
#if __has_attribute(nouwtable)
#define DEXT_COMPAT_SHIM __attribute__((nouwtable))
#endif
#endif
#ifndef DEXT_COMPAT_SHIM
#define DEXT_COMPAT_SHIM
#endif

extern "C" {

DEXT_COMPAT_SHIM int32_t dext_compat_shim_copy_dispatch_queue(IOService *service, const char *name, IODispatchQueue **queue)
{
    return service->CopyDispatchQueue(name, queue);
}

DEXT_COMPAT_SHIM int32_t dext_compat_shim_set_dispatch_queue(IOService *service, const char *name, IODispatchQueue *queue)
{
    return service->SetDispatchQueue(name, queue);
}

DEXT_COMPAT_SHIM int32_t dext_compat_shim_create_dispatch_queue(const char *name, IODispatchQueue **queue)
{
    // Options and priority 0 give a serial queue of default priority.
    return IODispatchQueue::Create(name, 0, 0, queue);
}

DEXT_COMPAT_SHIM void dext_compat_shim_release_dispatch_queue(IODispatchQueue *queue)
{
    // Never null: the Rust side only releases a queue it holds.
    queue->release();
}

DEXT_COMPAT_SHIM void dext_compat_shim_log_failure(const char *step, const char *queue_name, int32_t code)
{
    os_log(OS_LOG_DEFAULT, "dext-compat: %{public}s failed for queue %{public}s: 0x%x", step,
           queue_name != nullptr ? queue_name : "(none)", code);
}
}
