#include "ReferenceFixup.h"

#include <os/log.h>

#include <DriverKit/IODispatchQueue.h>

#define LOG_PREFIX "ReferenceFixup: "

kern_return_t ReferenceEnsureExternalMethodQueue(IOUserClient *userClient)
{
    IODispatchQueue *queue = nullptr;
    kern_return_t ret = userClient->CopyDispatchQueue(kIOServiceDefaultQueueName, &queue);
    if (ret != kIOReturnSuccess || queue == nullptr) {
        os_log(OS_LOG_DEFAULT, LOG_PREFIX "CopyDispatchQueue(Default) failed: 0x%x", ret);
        return ret != kIOReturnSuccess ? ret : kIOReturnNotFound;
    }

    // The object's slot takes its own reference, so release ours either way.
    ret = userClient->SetDispatchQueue(kIOUserClientQueueNameExternalMethod, queue);
    OSSafeReleaseNULL(queue);
    if (ret != kIOReturnSuccess) {
        os_log(OS_LOG_DEFAULT, LOG_PREFIX "SetDispatchQueue failed: 0x%x", ret);
    }
    return ret;
}

kern_return_t ReferenceEnsureDedicatedExternalMethodQueue(IOUserClient *userClient)
{
    IODispatchQueue *queue = nullptr;
    kern_return_t ret = userClient->CopyDispatchQueue(kIOUserClientQueueNameExternalMethod, &queue);
    if (ret == kIOReturnSuccess && queue != nullptr) {
        OSSafeReleaseNULL(queue);
        return kIOReturnSuccess;
    }

    queue = nullptr;
    ret = IODispatchQueue::Create(kIOUserClientQueueNameExternalMethod, 0, 0, &queue);
    if (ret != kIOReturnSuccess || queue == nullptr) {
        os_log(OS_LOG_DEFAULT, LOG_PREFIX "IODispatchQueue::Create failed: 0x%x", ret);
        return ret != kIOReturnSuccess ? ret : kIOReturnNoMemory;
    }

    ret = userClient->SetDispatchQueue(kIOUserClientQueueNameExternalMethod, queue);
    OSSafeReleaseNULL(queue);
    if (ret != kIOReturnSuccess) {
        os_log(OS_LOG_DEFAULT, LOG_PREFIX "SetDispatchQueue failed: 0x%x", ret);
    }
    return ret;
}
