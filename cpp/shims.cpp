// One DriverKit call per function; see shims.h for why these exist.
#include "dext-compat/cpp/shims.h"

#include <os/log.h>

static_assert(sizeof(kern_return_t) == sizeof(int32_t), "the bridge passes kern_return_t as int32_t");
static_assert(sizeof(IODispatchQueueName) == 256, "queue names are checked against 256 bytes");

namespace dext_compat {

IOService &user_client_as_service(IOUserClient &user_client)
{
    return user_client;
}

int32_t copy_dispatch_queue(IOService &service, const char *name, IODispatchQueue **queue)
{
    return service.CopyDispatchQueue(name, queue);
}

int32_t set_dispatch_queue(IOService &service, const char *name, IODispatchQueue *queue)
{
    return service.SetDispatchQueue(name, queue);
}

int32_t create_dispatch_queue(const char *name, IODispatchQueue **queue)
{
    // Options and priority 0 give a serial queue of default priority.
    return IODispatchQueue::Create(name, 0, 0, queue);
}

void release_dispatch_queue(IODispatchQueue *queue)
{
    OSSafeReleaseNULL(queue);
}

void log_failure(const char *step, const char *queue_name, int32_t code)
{
    if (queue_name == nullptr) {
        os_log(OS_LOG_DEFAULT, "dext-compat: %{public}s failed: 0x%x", step, code);
        return;
    }
    os_log(OS_LOG_DEFAULT, "dext-compat: %{public}s failed for queue %{public}s: 0x%x", step, queue_name,
           code);
}

}  // namespace dext_compat
