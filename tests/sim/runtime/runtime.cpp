// The simulated runtime's control interface, its queue lookup and its log.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <os/log.h>

#include "state.h"

namespace dext_sim {

std::mutex &lock()
{
    static std::mutex mutex;
    return mutex;
}

Runtime &runtime()
{
    static Runtime instance;
    return instance;
}

Runtime::Fault take_fault(DextSimCall call)
{
    Runtime &state = runtime();
    uint32_t count = ++state.callCounts[call];
    Runtime::Fault fault = state.faults[call];
    if (fault.kind != DEXT_SIM_FAULT_NONE && (fault.occurrence == 0 || fault.occurrence == count)) {
        return fault;
    }
    return Runtime::Fault{};
}

void adopt(OSObject *object, const DextMockClassDescription *description)
{
    auto *state = new DextMockObjectState;
    state->description = description;
    state->slots.assign(1 + description->queueNameCount, nullptr);
    object->dext_mock_state = state;
    runtime().objects.push_back(object);
}

// The built-in queue class; IODispatchQueue's constructor is implicit.
static OSObject *create_queue_object()
{
    return new IODispatchQueue;
}

static const DextMockClassDescription kOSObjectClass = {"OSObject", nullptr, nullptr, 0, nullptr, nullptr};
static const DextMockClassDescription kIODispatchQueueClass = {"IODispatchQueue", "OSObject", nullptr, 0, nullptr,
                                                               &create_queue_object};
static const DextMockClassDescription kIOServiceClass = {"IOService", "OSObject", nullptr, 0, nullptr, nullptr};
static const DextMockClassDescription kIOUserClientClass = {"IOUserClient", "IOService", nullptr, 0, nullptr, nullptr};

IODispatchQueue *new_queue(const char *label)
{
    auto *queue = new IODispatchQueue;
    adopt(queue, &kIODispatchQueueClass);
    queue->dext_mock_state->label = label;
    return queue;
}

const DextMockClassDescription *find_class(const char *name)
{
    static const DextMockClassDescription *const builtins[] = {&kOSObjectClass, &kIODispatchQueueClass,
                                                               &kIOServiceClass, &kIOUserClientClass};
    for (const DextMockClassDescription *description : builtins) {
        if (strcmp(description->name, name) == 0) {
            return description;
        }
    }
    for (const DextMockClassDescription *description : runtime().classes) {
        if (strcmp(description->name, name) == 0) {
            return description;
        }
    }
    return nullptr;
}

int slot_index(const OSObject *object, const char *name)
{
    const DextMockObjectState *state = object->dext_mock_state;
    if (state == nullptr) {
        return -1;
    }
    if (strcmp(name, kIOServiceDefaultQueueName) == 0) {
        return 0;
    }
    for (size_t index = 0; index < state->description->queueNameCount; index++) {
        if (strcmp(state->description->queueNames[index], name) == 0) {
            return static_cast<int>(index + 1);
        }
    }
    return -1;
}

void store_slot(OSObject *object, size_t slot, IODispatchQueue *queue, std::vector<OSObject *> &to_free)
{
    IODispatchQueue *&held = object->dext_mock_state->slots[slot];
    if (queue != nullptr) {
        queue->dext_mock_state->retainCount++;
    }
    if (held != nullptr) {
        release_locked(held, to_free);
    }
    held = queue;
}

void release_locked(const OSObject *object, std::vector<OSObject *> &to_free)
{
    DextMockObjectState *state = object->dext_mock_state;
    if (state == nullptr || state->freed || state->retainCount == 0) {
        runtime().refcountErrors++;
        return;
    }
    if (--state->retainCount == 0) {
        state->freed = true;
        to_free.push_back(const_cast<OSObject *>(object));
    }
}

void finish_free(std::vector<OSObject *> &to_free)
{
    while (!to_free.empty()) {
        OSObject *object = to_free.back();
        to_free.pop_back();
        object->free();

        std::lock_guard<std::mutex> guard(lock());
        for (IODispatchQueue *&queue : object->dext_mock_state->slots) {
            if (queue != nullptr) {
                release_locked(queue, to_free);
                queue = nullptr;
            }
        }
    }
}

kern_return_t init_and_start(OSObject *created, IOService *provider, IOService **result)
{
    IOService *service = OSDynamicCast(IOService, created);
    if (service == nullptr) {
        created->release();
        return kIOReturnBadArgument;
    }
    if (!service->init()) {
        service->release();
        return kIOReturnNoMemory;
    }
    kern_return_t started = service->Start(provider);
    if (started != kIOReturnSuccess) {
        service->release();
        return started;
    }
    *result = service;
    return kIOReturnSuccess;
}

// No other thread may run: used by reset and at exit only.
void Runtime::destroy_objects()
{
    for (OSObject *object : objects) {
        delete object->dext_mock_state;
        object->dext_mock_state = nullptr;
        delete object;
    }
    objects.clear();
    for (DextMockClassDescription *description : ownedDescriptions) {
        delete[] description->queueNames;
        delete description;
    }
    ownedDescriptions.clear();
    ownedNames.clear();
}

// The test classes of dext_sim_create_test_object.
class DextSimTestService : public IOService {};
class DextSimTestUserClient : public IOUserClient {};

}  // namespace dext_sim

using dext_sim::lock;
using dext_sim::runtime;

extern "C" {

DextSimConfig dext_sim_default_config(void)
{
    DextSimConfig config;
    config.runtime_major = 25;
    config.assertion_action = DEXT_SIM_ASSERTION_REPORT;
    config.old_runtime_accepts_described_names = 1;
    config.new_runtime_falls_back_to_default = 1;
    return config;
}

void dext_sim_reset(const DextSimConfig *config)
{
    std::lock_guard<std::mutex> guard(lock());
    runtime().destroy_objects();
    dext_sim::Runtime &state = runtime();
    state.config = config != nullptr ? *config : dext_sim_default_config();
    state.classes.clear();
    state.propertyClasses.clear();
    for (size_t call = 0; call < DEXT_SIM_CALL_COUNT; call++) {
        state.callCounts[call] = 0;
        state.faults[call] = dext_sim::Runtime::Fault{};
    }
    state.refcountErrors = 0;
    state.log.clear();
}

int dext_sim_inject_fault(DextSimCall call, uint32_t occurrence, DextSimFaultKind kind, int32_t code)
{
    if (call < 0 || call >= DEXT_SIM_CALL_COUNT || kind < DEXT_SIM_FAULT_NONE || kind > DEXT_SIM_FAULT_NULL_QUEUE) {
        return -1;
    }
    if (kind == DEXT_SIM_FAULT_NULL_QUEUE && call == DEXT_SIM_CALL_SET_DISPATCH_QUEUE) {
        return -1;
    }
    std::lock_guard<std::mutex> guard(lock());
    runtime().faults[call] = dext_sim::Runtime::Fault{occurrence, kind, code};
    return 0;
}

uint32_t dext_sim_call_count(DextSimCall call)
{
    if (call < 0 || call >= DEXT_SIM_CALL_COUNT) {
        return 0;
    }
    std::lock_guard<std::mutex> guard(lock());
    return runtime().callCounts[call];
}

void dext_sim_register_class(const DextMockClassDescription *description)
{
    std::lock_guard<std::mutex> guard(lock());
    runtime().classes.push_back(description);
}

void dext_sim_set_property_class(const char *properties_key, const char *class_name)
{
    std::lock_guard<std::mutex> guard(lock());
    runtime().propertyClasses.emplace_back(properties_key, class_name);
}

int32_t dext_sim_start_service(const char *class_name, IOService **service)
{
    if (class_name == nullptr || service == nullptr) {
        return kIOReturnBadArgument;
    }
    OSObject *created = nullptr;
    {
        std::lock_guard<std::mutex> guard(lock());
        const DextMockClassDescription *description = dext_sim::find_class(class_name);
        if (description == nullptr || description->create == nullptr) {
            return kIOReturnNotFound;
        }
        created = description->create();
        dext_sim::adopt(created, description);
        IODispatchQueue *queue = dext_sim::new_queue(kIOServiceDefaultQueueName);
        created->dext_mock_state->slots[0] = queue;
    }
    // The simulated provider (the PCI or USB nub in a real system) is not
    // modelled; the dext's Start receives NULL.
    return dext_sim::init_and_start(created, nullptr, service);
}

int32_t dext_sim_stop_service(IOService *service)
{
    if (service == nullptr) {
        return kIOReturnBadArgument;
    }
    kern_return_t result = service->Stop(nullptr);
    service->release();
    return result;
}

int32_t dext_sim_open_user_client(IOService *service, uint32_t type, IOUserClient **user_client)
{
    if (service == nullptr || user_client == nullptr) {
        return kIOReturnBadArgument;
    }
    IOUserClient *opened = nullptr;
    kern_return_t result = service->NewUserClient(type, &opened);
    if (result != kIOReturnSuccess) {
        return result;
    }
    if (opened == nullptr) {
        return kIOReturnError;
    }
    *user_client = opened;
    return kIOReturnSuccess;
}

int32_t dext_sim_close_user_client(IOUserClient *user_client)
{
    if (user_client == nullptr) {
        return kIOReturnBadArgument;
    }
    IOService *provider = nullptr;
    {
        std::lock_guard<std::mutex> guard(lock());
        if (user_client->dext_mock_state != nullptr) {
            provider = user_client->dext_mock_state->provider;
        }
    }
    kern_return_t result = user_client->Stop(provider);
    user_client->release();
    return result;
}

int32_t dext_sim_create_test_object(IOService *provider, uint8_t user_client, const char *const *queue_names,
                                    size_t queue_name_count, const char *external_method_queue,
                                    IOService **object)
{
    if (object == nullptr || (queue_name_count > 0 && queue_names == nullptr)) {
        return kIOReturnBadArgument;
    }
    IOService *created = nullptr;
    {
        std::lock_guard<std::mutex> guard(lock());
        dext_sim::Runtime &state = runtime();

        // Copy the names, so the description outlives the caller's strings.
        state.ownedNames.emplace_back();
        std::vector<std::string> &names = state.ownedNames.back();
        for (size_t index = 0; index < queue_name_count; index++) {
            names.emplace_back(queue_names[index]);
        }
        auto *description = new DextMockClassDescription;
        const char **namePointers = new const char *[queue_name_count + 1];
        for (size_t index = 0; index < queue_name_count; index++) {
            namePointers[index] = names[index].c_str();
        }
        namePointers[queue_name_count] = nullptr;
        description->name = user_client ? "DextSimTestUserClient" : "DextSimTestService";
        description->superName = user_client ? "IOUserClient" : "IOService";
        description->queueNames = namePointers;
        description->queueNameCount = queue_name_count;
        description->externalMethodQueueName = nullptr;
        for (size_t index = 0; index < queue_name_count; index++) {
            if (external_method_queue != nullptr && names[index] == external_method_queue) {
                description->externalMethodQueueName = namePointers[index];
            }
        }
        description->create = nullptr;
        state.ownedDescriptions.push_back(description);

        if (user_client) {
            created = new dext_sim::DextSimTestUserClient;
        } else {
            created = new dext_sim::DextSimTestService;
        }
        dext_sim::adopt(created, description);
        created->dext_mock_state->provider = provider;
        std::vector<OSObject *> unused;
        IODispatchQueue *queue = provider != nullptr ? provider->dext_mock_state->slots[0] : nullptr;
        if (queue != nullptr) {
            dext_sim::store_slot(created, 0, queue, unused);
        } else {
            created->dext_mock_state->slots[0] = dext_sim::new_queue(kIOServiceDefaultQueueName);
        }
    }
    if (!created->init()) {
        created->release();
        return kIOReturnNoMemory;
    }
    *object = created;
    return kIOReturnSuccess;
}

static void assertion_failed(DextSimDelivery *delivery, const char *expression)
{
    // NOTE: the real message text is not public beyond the file name
    // uioserver.cpp and the function; this one keeps those two facts.
    char message[sizeof(delivery->text)];
    snprintf(message, sizeof(message), "Assertion failed: (%s), function QueueForObject, file uioserver.cpp.",
             expression);
    if (runtime().config.assertion_action == DEXT_SIM_ASSERTION_ABORT) {
        fprintf(stderr, "%s\n", message);
        abort();
    }
    delivery->status = DEXT_SIM_DELIVERY_ASSERTED;
    snprintf(delivery->text, sizeof(delivery->text), "%s", message);
}

void dext_sim_call_external_method(IOUserClient *user_client, uint64_t selector, const uint64_t *input,
                                   uint32_t input_count, uint64_t *output, uint32_t *output_count,
                                   DextSimDelivery *delivery)
{
    if (delivery == nullptr) {
        return;
    }
    *delivery = DextSimDelivery{};

    // QueueForObject: find the slot the class description maps
    // _ExternalMethod to; slot 0 when it names no queue.
    IODispatchQueue *queue = nullptr;
    uint32_t slot = 0;
    {
        std::lock_guard<std::mutex> guard(lock());
        if (user_client == nullptr || user_client->dext_mock_state == nullptr ||
            OSDynamicCast(IOUserClient, user_client) == nullptr) {
            delivery->status = DEXT_SIM_DELIVERY_NOT_A_USER_CLIENT;
            return;
        }
        const DextMockObjectState *state = user_client->dext_mock_state;
        const char *name = state->description->externalMethodQueueName;
        if (name != nullptr) {
            int index = dext_sim::slot_index(user_client, name);
            slot = index < 0 ? 0 : static_cast<uint32_t>(index);
        }
        queue = state->slots[slot];

        // An empty named slot: the DriverKit 19 and 20 runtimes assert; later
        // ones use the default queue (inferred, see DextSimConfig).
        if (queue == nullptr && slot != 0) {
            const DextSimConfig &config = runtime().config;
            if (config.runtime_major >= 21 && config.new_runtime_falls_back_to_default) {
                slot = 0;
                queue = state->slots[0];
            }
        }
        if (queue == nullptr) {
            assertion_failed(delivery, "queue");
            return;
        }
        delivery->slot = slot;
        snprintf(delivery->text, sizeof(delivery->text), "%s", queue->dext_mock_state->label.c_str());
    }

    // Run the method on that queue. The simulator has no threads of its own:
    // the method runs on the caller's thread, labelled with the queue.
    IOUserClientMethodArguments arguments = {};
    arguments.selector = selector;
    arguments.scalarInput = input;
    arguments.scalarInputCount = input_count;
    arguments.scalarOutput = output;
    arguments.scalarOutputCount = output_count != nullptr ? *output_count : 0;
    delivery->result = user_client->ExternalMethod(selector, &arguments, nullptr, nullptr, nullptr);
    if (output_count != nullptr) {
        *output_count = arguments.scalarOutputCount;
    }
    delivery->status = DEXT_SIM_DELIVERY_RAN;
}

int32_t dext_sim_set_dispatch_queue(OSObject *object, const char *name, IODispatchQueue *queue)
{
    if (object == nullptr) {
        return kIOReturnBadArgument;
    }
    return object->SetDispatchQueue(name, queue);
}

void dext_sim_release(OSObject *object)
{
    if (object != nullptr) {
        object->release();
    }
}

uint32_t dext_sim_retain_count(const OSObject *object)
{
    std::lock_guard<std::mutex> guard(lock());
    if (object == nullptr || object->dext_mock_state == nullptr || object->dext_mock_state->freed) {
        return 0;
    }
    return object->dext_mock_state->retainCount;
}

size_t dext_sim_live_objects(void)
{
    std::lock_guard<std::mutex> guard(lock());
    size_t live = 0;
    for (const OSObject *object : runtime().objects) {
        live += object->dext_mock_state->freed ? 0 : 1;
    }
    return live;
}

size_t dext_sim_refcount_errors(void)
{
    std::lock_guard<std::mutex> guard(lock());
    return runtime().refcountErrors;
}

IODispatchQueue *dext_sim_queue_in_slot(const OSObject *object, const char *name)
{
    std::lock_guard<std::mutex> guard(lock());
    if (object == nullptr || name == nullptr) {
        return nullptr;
    }
    int slot = dext_sim::slot_index(object, name);
    return slot < 0 ? nullptr : object->dext_mock_state->slots[static_cast<size_t>(slot)];
}

const char *dext_sim_queue_label(const IODispatchQueue *queue)
{
    std::lock_guard<std::mutex> guard(lock());
    if (queue == nullptr || queue->dext_mock_state == nullptr) {
        return nullptr;
    }
    return queue->dext_mock_state->label.c_str();
}

size_t dext_sim_log_count(void)
{
    std::lock_guard<std::mutex> guard(lock());
    return runtime().log.size();
}

size_t dext_sim_log_message(size_t index, char *buffer, size_t capacity)
{
    std::lock_guard<std::mutex> guard(lock());
    const std::vector<std::string> &log = runtime().log;
    if (index >= log.size()) {
        return 0;
    }
    if (buffer != nullptr && capacity > 0) {
        snprintf(buffer, capacity, "%s", log[index].c_str());
    }
    return log[index].size();
}

// os_log: strips the privacy annotations that printf does not know, formats
// the message and appends it to the log. DEXT_SIM_LOG=stderr also prints it.
void dext_mock_os_log(os_log_t, os_log_type_t, const char *format, ...)
{
    std::string plain;
    for (const char *cursor = format; *cursor != '\0'; cursor++) {
        plain.push_back(*cursor);
        if (*cursor == '%' && cursor[1] == '{') {
            const char *end = strchr(cursor, '}');
            if (end != nullptr) {
                cursor = end;
            }
        }
    }

    va_list arguments;
    va_start(arguments, format);
    char message[1024];
    vsnprintf(message, sizeof(message), plain.c_str(), arguments);
    va_end(arguments);

    const char *echo = getenv("DEXT_SIM_LOG");
    if (echo != nullptr && strcmp(echo, "stderr") == 0) {
        fprintf(stderr, "os_log: %s\n", message);
    }
    std::lock_guard<std::mutex> guard(lock());
    runtime().log.emplace_back(message);
}

}  // extern "C"

OSObject *dext_mock_dynamic_cast(const OSObject *object, const char *className)
{
    if (object == nullptr || object->dext_mock_state == nullptr) {
        return nullptr;
    }
    // Callers may hold the lock (the queue lookup) or not; the class list is
    // only appended to before objects exist, so reading it is safe here.
    const DextMockClassDescription *description = object->dext_mock_state->description;
    while (description != nullptr) {
        if (strcmp(description->name, className) == 0) {
            return const_cast<OSObject *>(object);
        }
        description = description->superName != nullptr ? dext_sim::find_class(description->superName) : nullptr;
    }
    return nullptr;
}
