#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/IOUserClient.h>

#include "SampleSelectors.h"
#include "SampleService.h"

#define LOG_PREFIX "SampleService: "

kern_return_t IMPL(SampleService, Start)(IOService *provider)
{
    kern_return_t ret = super::Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess) {
        os_log(OS_LOG_DEFAULT, LOG_PREFIX "super::Start failed: 0x%x", ret);
        return ret;
    }

    ret = RegisterService();
    if (ret != kIOReturnSuccess) {
        os_log(OS_LOG_DEFAULT, LOG_PREFIX "RegisterService failed: 0x%x", ret);
        return ret;
    }
    return kIOReturnSuccess;
}

kern_return_t IMPL(SampleService, Stop)(IOService *provider)
{
    return super::Stop(provider, SUPERDISPATCH);
}

kern_return_t IMPL(SampleService, NewUserClient)(uint32_t type, IOUserClient **userClient)
{
    // Each type has its own entry in Info.plist naming the class; DriverKit
    // creates the object and calls its Start, where the queue fix runs.
    const char *properties = nullptr;
    switch (type) {
    case kSampleUserClientControl:
        properties = "UserClientProperties";
        break;
    case kSampleUserClientStream:
        properties = "StreamUserClientProperties";
        break;
    default:
        os_log(OS_LOG_DEFAULT, LOG_PREFIX "unknown user client type %u", type);
        return kIOReturnBadArgument;
    }

    IOService *client = nullptr;
    kern_return_t ret = Create(this, properties, &client);
    if (ret != kIOReturnSuccess) {
        os_log(OS_LOG_DEFAULT, LOG_PREFIX "Create(%{public}s) failed: 0x%x", properties, ret);
        return ret;
    }

    *userClient = OSDynamicCast(IOUserClient, client);
    if (*userClient == nullptr) {
        os_log(OS_LOG_DEFAULT, LOG_PREFIX "%{public}s does not name a user client", properties);
        client->release();
        return kIOReturnError;
    }
    return kIOReturnSuccess;
}
