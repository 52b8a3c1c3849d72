// The part of the mock <DriverKit/IOUserClient.h> that every SDK version
// shares. Each mock SDK's IOUserClient.h defines its version's queue names and
// then includes this file.
#ifndef _DRIVERKIT_IOUSERCLIENTBASE_H
#define _DRIVERKIT_IOUSERCLIENTBASE_H

#include <DriverKit/IOService.h>

#ifndef DEXT_MOCK_IOUSERCLIENT_EXTERNAL_METHOD_QUEUE
#error "include <DriverKit/IOUserClient.h>, which defines this SDK's queue names"
#endif

class OSData;
class IOMemoryDescriptor;

struct IOUserClientMethodArguments {
    uint64_t selector;
    uint64_t version;
    const uint64_t *scalarInput;
    uint32_t scalarInputCount;
    uint64_t *scalarOutput;
    uint32_t scalarOutputCount;
    OSData *structureInput;
    IOMemoryDescriptor *structureInputDescriptor;
    OSData *structureOutput;
    IOMemoryDescriptor *structureOutputDescriptor;
    uint64_t structureOutputMaximumSize;
};

typedef kern_return_t (*IOUserClientMethodFunction)(
    OSObject *target, void *reference, IOUserClientMethodArguments *arguments);

struct IOUserClientMethodDispatch {
    IOUserClientMethodFunction function;
    uint32_t checkCompletionExists;
    uint32_t checkScalarInputCount;
    uint32_t checkStructureInputSize;
    uint32_t checkScalarOutputCount;
    uint32_t checkStructureOutputSize;
};

class IOUserClient : public IOService {
public:
    virtual bool init() override;
    virtual void free() override;

    // LOCAL in IOUserClient.iig: runs in the dext, on the queue the class
    // description maps `_ExternalMethod` to.
    virtual kern_return_t ExternalMethod(uint64_t selector,
                                         IOUserClientMethodArguments *arguments,
                                         const IOUserClientMethodDispatch *dispatch,
                                         OSObject *target, void *reference);
};

// What iig writes for each class of a dext: its description and a factory.
// A subclass of IOUserClient gets the queue names of the SDK it is built with.
// In a Mach-O build the description is also written as an OSClassDescription
// record into __DATA_CONST,__osclassinfo, where tools that inspect a built
// dext look for it.
#define DEXT_MOCK_DEFINE_CLASS(className, superClassName)                            \
    DEXT_MOCK_CLASS_RECORD(className, superClassName)                                \
    static OSObject *className##_DextMockCreate(void) { return new className; }      \
    static const char *const className##_DextMockQueueNames[] = {                    \
        DEXT_MOCK_IOUSERCLIENT_QUEUE_NAMES NULL};                                    \
    const DextMockClassDescription className##_DextMockClassDescription = {          \
        #className,                                                                  \
        #superClassName,                                                             \
        dext_mock_is_user_client<className>() ? className##_DextMockQueueNames       \
                                              : NULL,                                \
        dext_mock_is_user_client<className>()                                        \
            ? sizeof(className##_DextMockQueueNames) / sizeof(const char *) - 1      \
            : 0,                                                                     \
        dext_mock_is_user_client<className>()                                        \
            ? DEXT_MOCK_IOUSERCLIENT_EXTERNAL_METHOD_QUEUE                           \
            : NULL,                                                                  \
        &className##_DextMockCreate,                                                 \
    }

template <class T>
constexpr bool dext_mock_is_user_client()
{
    return __is_base_of(IOUserClient, T);
}

#if defined(__MACH__)
// NOTE: the queue-name list is written as NUL-terminated names one after the
// other; the real encoding is not public, and the method options that map
// _ExternalMethod to a queue are left out.
#define DEXT_MOCK_CLASS_RECORD(className, superClassName)                            \
    struct className##_DextMockRecord {                                              \
        OSClassDescription header;                                                   \
        char queueNames[sizeof(DEXT_MOCK_IOUSERCLIENT_QUEUE_NAMES_BLOB)];            \
    };                                                                               \
    __attribute__((used, section("__DATA_CONST,__osclassinfo")))                     \
    static const className##_DextMockRecord className##_DextMockRecordInstance = {   \
        {                                                                            \
            sizeof(className##_DextMockRecord),                                      \
            #className,                                                              \
            #superClassName,                                                         \
            0, 0, 0, 0,                                                              \
            dext_mock_is_user_client<className>() &&                                 \
                    sizeof(DEXT_MOCK_IOUSERCLIENT_QUEUE_NAMES_BLOB) > 1              \
                ? static_cast<uint32_t>(sizeof(DEXT_MOCK_IOUSERCLIENT_QUEUE_NAMES_BLOB)) \
                : 0,                                                                 \
            static_cast<uint32_t>(offsetof(className##_DextMockRecord, queueNames)), \
            0, 0, 0, 0, 0, {},                                                       \
        },                                                                           \
        DEXT_MOCK_IOUSERCLIENT_QUEUE_NAMES_BLOB,                                     \
    };
#else
#define DEXT_MOCK_CLASS_RECORD(className, superClassName)
#endif

#endif
