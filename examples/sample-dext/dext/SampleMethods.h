// The dispatch table both user clients share: the argument counts DriverKit
// checks before it calls each method.
#ifndef SampleMethods_h
#define SampleMethods_h

#include <DriverKit/IOUserClient.h>

#include "SampleSelectors.h"

kern_return_t SampleAdd(OSObject *target, void *reference, IOUserClientMethodArguments *arguments);

static const IOUserClientMethodDispatch kSampleMethods[kSampleSelectorCount] = {
    // kSampleSelectorAdd: two scalars in, one out.
    {&SampleAdd, false, 2, 0, 1, 0},
};

#endif
