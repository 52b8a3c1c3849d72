// The fix for the DriverKit 19/20 ExternalMethod abort, written by hand in
// plain C++ as a dext author would paste it into Start: the yardstick that
// the benchmarks measure dext-compat against.
//
// Compiled only with an SDK that defines kIOUserClientQueueNameExternalMethod
// (DriverKit 21 and later), where the abort can happen at all.
#pragma once

#include <DriverKit/IOUserClient.h>

#ifndef kIOUserClientQueueNameExternalMethod
#error "the reference fixup needs an SDK that defines kIOUserClientQueueNameExternalMethod (DriverKit 21 or later)"
#endif

// Names the user client's default queue as the ExternalMethod queue:
// CopyDispatchQueue("Default"), SetDispatchQueue(ExternalMethod name),
// release. Returns the code of the step that failed, which it has logged.
kern_return_t ReferenceEnsureExternalMethodQueue(IOUserClient *userClient);

// Keeps a queue already set under the ExternalMethod name, and otherwise
// creates a serial queue for it: the hand-written counterpart of the
// helper's KEEP_EXISTING and CREATE_DEDICATED options.
kern_return_t ReferenceEnsureDedicatedExternalMethodQueue(IOUserClient *userClient);
