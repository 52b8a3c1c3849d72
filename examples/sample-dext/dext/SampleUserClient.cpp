#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/IOUserClient.h>

// The cxx bridge's header: dext_compat::ensure_external_method_queue.
#include "dext-compat/src/bridge.rs.h"

#include "SampleMethods.h"
#include "SampleSelectors.h"
#include "SampleUserClient.h"

#define LOG_PREFIX "SampleUserClient: "

kern_return_t IMPL(SampleUserClient, Start)(IOService *provider)
{
    kern_return_t ret = super::Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess) {
        os_log(OS_LOG_DEFAULT, LOG_PREFIX "super::Start failed: 0x%x", ret);
        return ret;
    }

    // Before any external method can arrive: without this, a dext built with
    // the DriverKit 21 SDK or newer aborts on macOS 10.15 and 11 at the first
    // call. The helper has logged any failure; failing Start keeps the client
    // from ever reaching the broken path. (The sample's runner compiles this
    // file a second time with SAMPLE_DEXT_WITHOUT_FIX defined, to reproduce
    // the abort.)
#ifndef SAMPLE_DEXT_WITHOUT_FIX
    ret = dext_compat::ensure_external_method_queue(*this);
    if (ret != kIOReturnSuccess) {
        return ret;
    }
#endif
    return kIOReturnSuccess;
}

kern_return_t IMPL(SampleUserClient, Stop)(IOService *provider)
{
    return super::Stop(provider, SUPERDISPATCH);
}

kern_return_t SampleUserClient::ExternalMethod(uint64_t selector,
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
