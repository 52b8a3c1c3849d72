#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/IOUserClient.h>

// The plain C ABI, for code that does not include cxx's generated header.
#include <dext_compat/dext_compat.h>

#include "SampleMethods.h"
#include "SampleSelectors.h"
#include "SampleStreamUserClient.h"

#define LOG_PREFIX "SampleStreamUserClient: "

kern_return_t IMPL(SampleStreamUserClient, Start)(IOService *provider)
{
    kern_return_t ret = super::Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess) {
        os_log(OS_LOG_DEFAULT, LOG_PREFIX "super::Start failed: 0x%x", ret);
        return ret;
    }

    // A dedicated queue under the ExternalMethod name: the fix for macOS
    // 10.15 and 11, and on every version a queue that external methods do
    // not share with the default queue. KEEP_EXISTING leaves alone a queue
    // that a subclass may already have set.
#ifndef SAMPLE_DEXT_WITHOUT_FIX
    ret = dext_compat_ensure_external_method_queue_with_options(
        this, DEXT_COMPAT_QUEUE_CREATE_DEDICATED | DEXT_COMPAT_QUEUE_KEEP_EXISTING);
    if (ret != kIOReturnSuccess) {
        return ret;
    }
#endif
    return kIOReturnSuccess;
}

kern_return_t IMPL(SampleStreamUserClient, Stop)(IOService *provider)
{
    return super::Stop(provider, SUPERDISPATCH);
}

kern_return_t SampleStreamUserClient::ExternalMethod(uint64_t selector,
                                                     IOUserClientMethodArguments *arguments,
                                                     const IOUserClientMethodDispatch *,
                                                     OSObject *,
                                                     void *)
{
    if (selector >= kSampleSelectorCount) {
        return kIOReturnBadArgument;
    }
    return super::ExternalMethod(selector, arguments, &kSampleMethods[selector], this, nullptr);
}
