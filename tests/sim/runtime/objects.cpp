// The mock SDK's classes: reference counting, queue tables and the default
// behaviour of the IOService and IOUserClient methods a dext overrides.
#include <string.h>

#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOService.h>
#include <DriverKit/IOUserClient.h>

#include "state.h"

using dext_sim::lock;
using dext_sim::runtime;

// Reference counting -------------------------------------------------------

OSMetaClassBase::~OSMetaClassBase() = default;

void OSMetaClassBase::retain() const
{
    const OSObject *object = static_cast<const OSObject *>(this);
    std::lock_guard<std::mutex> guard(lock());
    DextMockObjectState *state = object->dext_mock_state;
    if (state == nullptr || state->freed) {
        runtime().refcountErrors++;
        return;
    }
    state->retainCount++;
}

void OSMetaClassBase::release() const
{
    std::vector<OSObject *> toFree;
    {
        std::lock_guard<std::mutex> guard(lock());
        dext_sim::release_locked(static_cast<const OSObject *>(this), toFree);
    }
    dext_sim::finish_free(toFree);
}

bool OSObject::init()
{
    return true;
}

void OSObject::free() {}

// Dispatch queues ------------------------------------------------------------

// The kernel's SetDispatchQueue: "Default" is slot 0, a name the class
// description lists is its slot, any other name is kIOReturnBadArgument.
static kern_return_t set_queue(OSObject *object, const char *name, IODispatchQueue *queue)
{
    std::vector<OSObject *> toFree;
    kern_return_t result = kIOReturnSuccess;
    {
        std::lock_guard<std::mutex> guard(lock());
        dext_sim::Runtime::Fault fault = dext_sim::take_fault(DEXT_SIM_CALL_SET_DISPATCH_QUEUE);
        int slot = name == nullptr ? -1 : dext_sim::slot_index(object, name);
        const DextSimConfig &config = runtime().config;
        bool oldRuntime = config.runtime_major <= 20;
        if (fault.kind == DEXT_SIM_FAULT_FAIL) {
            result = fault.code;
        } else if (slot < 0) {
            result = kIOReturnBadArgument;
        } else if (slot > 0 && oldRuntime && !config.old_runtime_accepts_described_names) {
            result = kIOReturnBadArgument;
        } else if (queue == nullptr || queue->dext_mock_state == nullptr || queue->dext_mock_state->freed) {
            // NOTE: inferred: no source states how the kernel treats a NULL or
            // dead queue; rejecting it keeps a broken caller visible.
            if (queue != nullptr) {
                runtime().refcountErrors++;
            }
            result = kIOReturnBadArgument;
        } else {
            dext_sim::store_slot(object, static_cast<size_t>(slot), queue, toFree);
        }
    }
    dext_sim::finish_free(toFree);
    return result;
}

static kern_return_t copy_queue(const OSObject *object, const char *name, IODispatchQueue **queue)
{
    std::lock_guard<std::mutex> guard(lock());
    dext_sim::Runtime::Fault fault = dext_sim::take_fault(DEXT_SIM_CALL_COPY_DISPATCH_QUEUE);
    if (fault.kind == DEXT_SIM_FAULT_FAIL) {
        return fault.code;
    }
    if (queue == nullptr || name == nullptr) {
        return kIOReturnBadArgument;
    }
    if (fault.kind == DEXT_SIM_FAULT_NULL_QUEUE) {
        *queue = nullptr;
        return kIOReturnSuccess;
    }
    int slot = dext_sim::slot_index(object, name);
    if (slot < 0) {
        return kIOReturnBadArgument;
    }
    IODispatchQueue *found = object->dext_mock_state->slots[static_cast<size_t>(slot)];
    if (found == nullptr) {
        // NOTE: inferred: the code for an empty slot is not documented. The
        // helper treats any failure, and success with no queue, as empty.
        return kIOReturnNotFound;
    }
    found->dext_mock_state->retainCount++;
    *queue = found;
    return kIOReturnSuccess;
}

kern_return_t OSObject::SetDispatchQueue(const char *name, IODispatchQueue *queue, OSDispatchMethod)
{
    return set_queue(this, name, queue);
}

kern_return_t OSObject::CopyDispatchQueue(const char *name, IODispatchQueue **queue, OSDispatchMethod)
{
    return copy_queue(this, name, queue);
}

kern_return_t IOService::SetDispatchQueue(const char *name, IODispatchQueue *queue, OSDispatchMethod)
{
    return set_queue(this, name, queue);
}

kern_return_t IOService::CopyDispatchQueue(const char *name, IODispatchQueue **queue, OSDispatchMethod)
{
    return copy_queue(this, name, queue);
}

kern_return_t IODispatchQueue::Create(const char *name, uint64_t, uint64_t, IODispatchQueue **queue)
{
    std::lock_guard<std::mutex> guard(lock());
    dext_sim::Runtime::Fault fault = dext_sim::take_fault(DEXT_SIM_CALL_CREATE_DISPATCH_QUEUE);
    if (fault.kind == DEXT_SIM_FAULT_FAIL) {
        return fault.code;
    }
    if (queue == nullptr || name == nullptr || strnlen(name, sizeof(IODispatchQueueName)) == sizeof(IODispatchQueueName)) {
        return kIOReturnBadArgument;
    }
    if (fault.kind == DEXT_SIM_FAULT_NULL_QUEUE) {
        *queue = nullptr;
        return kIOReturnSuccess;
    }
    *queue = dext_sim::new_queue(name);
    return kIOReturnSuccess;
}

// IOService and IOUserClient defaults ------------------------------------

kern_return_t dext_mock_superdispatch(OSMetaClassBase *, const IORPC)
{
    // Only its address is used, as the marker SUPERDISPATCH.
    return kIOReturnUnsupported;
}

bool IOService::init()
{
    return OSObject::init();
}

void IOService::free()
{
    OSObject::free();
}

kern_return_t IOService::Start(IOService *provider)
{
    std::lock_guard<std::mutex> guard(lock());
    dext_mock_state->provider = provider;
    return kIOReturnSuccess;
}

// NOTE: a real SUPERDISPATCH runs the direct superclass's implementation;
// this mock runs IOService's, which is the same as long as no class between
// IOService and the caller overrides the method.
kern_return_t IOService::Start(IOService *provider, OSDispatchMethod supermethod)
{
    return supermethod != nullptr ? IOService::Start(provider) : Start(provider);
}

kern_return_t IOService::Stop(IOService *)
{
    return kIOReturnSuccess;
}

kern_return_t IOService::Stop(IOService *provider, OSDispatchMethod supermethod)
{
    return supermethod != nullptr ? IOService::Stop(provider) : Stop(provider);
}

kern_return_t IOService::NewUserClient(uint32_t, IOUserClient **)
{
    return kIOReturnUnsupported;
}

kern_return_t IOService::NewUserClient(uint32_t type, IOUserClient **userClient, OSDispatchMethod supermethod)
{
    return supermethod != nullptr ? IOService::NewUserClient(type, userClient) : NewUserClient(type, userClient);
}

kern_return_t IOService::RegisterService(OSDispatchMethod)
{
    return kIOReturnSuccess;
}

kern_return_t IOService::Create(IOService *provider, const char *propertiesKey, IOService **result, OSDispatchMethod)
{
    if (provider == nullptr || propertiesKey == nullptr || result == nullptr) {
        return kIOReturnBadArgument;
    }

    // Find the class that the provider's properties name, and make the object.
    OSObject *created = nullptr;
    {
        std::lock_guard<std::mutex> guard(lock());
        const DextMockClassDescription *description = nullptr;
        for (const auto &entry : runtime().propertyClasses) {
            if (entry.first == propertiesKey) {
                description = dext_sim::find_class(entry.second.c_str());
            }
        }
        if (description == nullptr || description->create == nullptr) {
            return kIOReturnNotFound;
        }
        created = description->create();
        dext_sim::adopt(created, description);

        // NOTE: inferred: a new object starts on its provider's default
        // queue; no source states whether DriverKit gives it one of its own.
        std::vector<OSObject *> unused;
        dext_sim::store_slot(created, 0, provider->dext_mock_state->slots[0], unused);
    }
    // Initialise and start it, as the kernel would after matching.
    return dext_sim::init_and_start(created, provider, result);
}

bool IOUserClient::init()
{
    return IOService::init();
}

void IOUserClient::free()
{
    IOService::free();
}

// Checks the arguments against the dispatch entry and calls its function,
// which is what a subclass gets from super::ExternalMethod.
kern_return_t IOUserClient::ExternalMethod(uint64_t, IOUserClientMethodArguments *arguments,
                                           const IOUserClientMethodDispatch *dispatch, OSObject *target,
                                           void *reference)
{
    if (dispatch == nullptr || dispatch->function == nullptr) {
        return kIOReturnUnsupported;
    }
    if (arguments == nullptr || arguments->scalarInputCount != dispatch->checkScalarInputCount ||
        arguments->scalarOutputCount != dispatch->checkScalarOutputCount) {
        return kIOReturnBadArgument;
    }
    return dispatch->function(target, reference, arguments);
}
