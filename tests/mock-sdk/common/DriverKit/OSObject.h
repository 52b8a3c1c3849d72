// Mock of DriverKit's <DriverKit/OSObject.h>: reference-counted objects and
// the dispatch-queue accessors every object has.
//
// The declarations keep the real shapes, including the trailing defaulted
// `supermethod` parameter that iig adds to every RPC method. The members whose
// names start with `dext_mock` exist only in this mock: they connect an object
// to the simulated runtime in tests/sim, which defines every function declared
// here.
#ifndef _DRIVERKIT_OSOBJECT_H
#define _DRIVERKIT_OSOBJECT_H

#include <stddef.h>
#include <stdint.h>

#include <DriverKit/IORPC.h>
#include <DriverKit/IOReturn.h>

class IODispatchQueue;
class OSObject;

typedef char IODispatchQueueName[256];

// The name of slot 0 of every object's queue table.
#define kIOServiceDefaultQueueName "Default"

// What iig writes into __DATA_CONST,__osclassinfo for a class: its name, its
// superclass, the queue names its methods use, and which of those queues
// `_ExternalMethod` is mapped to (NULL when the method has no queue name).
struct DextMockClassDescription {
    const char *name;
    const char *superName;
    const char *const *queueNames;
    size_t queueNameCount;
    const char *externalMethodQueueName;
    OSObject *(*create)(void);
};

struct DextMockObjectState;

class OSMetaClassBase {
public:
    virtual void retain() const;
    virtual void release() const;
    virtual ~OSMetaClassBase();
};

class OSObject : public OSMetaClassBase {
public:
    virtual bool init();
    virtual void free();

    kern_return_t SetDispatchQueue(const char *name, IODispatchQueue *queue,
                                   OSDispatchMethod supermethod = NULL);
    kern_return_t CopyDispatchQueue(const char *name, IODispatchQueue **queue,
                                    OSDispatchMethod supermethod = NULL);

    // Owned by the simulated runtime: the class description, the reference
    // count and the queue table of this object.
    DextMockObjectState *dext_mock_state = NULL;
};

// Marks a call to the superclass's implementation of an RPC method, as in
// `super::Start(provider, SUPERDISPATCH)`.
kern_return_t dext_mock_superdispatch(OSMetaClassBase *self, const IORPC rpc);
#define SUPERDISPATCH ((OSDispatchMethod)&dext_mock_superdispatch)

// Without RTTI, DriverKit casts through the class descriptions.
OSObject *dext_mock_dynamic_cast(const OSObject *object, const char *className);
#define OSDynamicCast(type, object) \
    (static_cast<type *>(dext_mock_dynamic_cast((object), #type)))

#define OSSafeReleaseNULL(object) \
    do {                          \
        if ((object) != NULL) {   \
            (object)->release();  \
            (object) = NULL;      \
        }                         \
    } while (0)

#endif
