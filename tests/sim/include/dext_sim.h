// Control interface of the simulated DriverKit runtime.
//
// The simulator implements every function the mock SDK in tests/mock-sdk
// declares, and models what public sources state about the runtime: a queue
// table per object, reference counts, SetDispatchQueue's check of queue names
// against the class description, and the queue lookup of
// OSMetaClassBase::QueueForObject when an external method arrives. Behaviour
// that no source states outright is a setting of DextSimConfig, so a test can
// run against either reading.
//
// State is global to the process and guarded by one mutex, so objects can be
// created and used from several threads; dext_sim_reset must not race with
// anything else.
#ifndef DEXT_SIM_H
#define DEXT_SIM_H

#include <stddef.h>
#include <stdint.h>

#include <DriverKit/IOUserClient.h>

#ifdef __cplusplus
extern "C" {
#endif

// What the simulator does when the queue lookup asserts.
typedef enum {
    // Record the assertion and return it to the caller, which the process
    // survives; the external method does not run.
    DEXT_SIM_ASSERTION_REPORT = 0,
    // Print the assertion and abort(), as the real runtime does.
    DEXT_SIM_ASSERTION_ABORT = 1,
} DextSimAssertionAction;

typedef struct {
    // The DriverKit major version of the runtime: 19 (macOS 10.15) to 25.
    uint32_t runtime_major;
    DextSimAssertionAction assertion_action;
    // NOTE: inferred from the kernel source, not observed: the DriverKit 19
    // and 20 kernels accept SetDispatchQueue for any name the object's own
    // class description lists, even one their SDK never defined. With 0, an
    // old runtime rejects such a name with kIOReturnBadArgument.
    uint8_t old_runtime_accepts_described_names;
    // NOTE: inferred from the documentation and the fix's author, not from
    // source: from DriverKit 21 on, an empty named slot falls back to the
    // default queue. With 0, newer runtimes assert as the old ones do.
    uint8_t new_runtime_falls_back_to_default;
} DextSimConfig;

// The defaults: runtime 25, report assertions, both inferences on.
DextSimConfig dext_sim_default_config(void);

// Destroys every object, clears faults, counters and the log, and applies
// `config`. Objects from before the reset must not be used again.
void dext_sim_reset(const DextSimConfig *config);

// The runtime calls a fault can target. Only calls made by dext code count;
// the simulator's own bookkeeping does not.
typedef enum {
    DEXT_SIM_CALL_COPY_DISPATCH_QUEUE = 0,
    DEXT_SIM_CALL_SET_DISPATCH_QUEUE = 1,
    DEXT_SIM_CALL_CREATE_DISPATCH_QUEUE = 2,
    DEXT_SIM_CALL_COUNT = 3,
} DextSimCall;

typedef enum {
    DEXT_SIM_FAULT_NONE = 0,
    // Return `code` and leave the out parameter untouched.
    DEXT_SIM_FAULT_FAIL = 1,
    // Return kIOReturnSuccess with a NULL queue; only for calls that return
    // a queue (copy, create).
    DEXT_SIM_FAULT_NULL_QUEUE = 2,
} DextSimFaultKind;

// Makes the `occurrence`-th call (counting from 1) of `call` fail, or every
// call when `occurrence` is 0. A later fault for the same call replaces it.
// Returns 0, or -1 for an invalid call or a NULL_QUEUE fault on a call that
// returns no queue.
int dext_sim_inject_fault(DextSimCall call, uint32_t occurrence, DextSimFaultKind kind, int32_t code);

// How often dext code has made `call` since the reset.
uint32_t dext_sim_call_count(DextSimCall call);

// Classes: the descriptions that DEXT_MOCK_DEFINE_CLASS wrote, and the
// Info.plist entries that name a class for IOService::Create.
void dext_sim_register_class(const DextMockClassDescription *description);
void dext_sim_set_property_class(const char *properties_key, const char *class_name);

// Instantiates a registered service class as the driver of a simulated
// provider, gives it a new default queue, calls init() and Start(). On
// success the caller owns one reference.
int32_t dext_sim_start_service(const char *class_name, IOService **service);

// Stops a service started by dext_sim_start_service and drops the caller's
// reference.
int32_t dext_sim_stop_service(IOService *service);

// A client's IOServiceOpen: calls the service's NewUserClient(type). On
// success the caller owns one reference to the user client.
int32_t dext_sim_open_user_client(IOService *service, uint32_t type, IOUserClient **user_client);

// A client's IOServiceClose: calls Stop() and drops the caller's reference.
int32_t dext_sim_close_user_client(IOUserClient *user_client);

// Creates an object of a built-in test class whose description lists
// `queue_names` and maps _ExternalMethod to `external_method_queue` (NULL for
// the default queue), as iig would for a class built with a given SDK. The
// object shares `provider`'s default queue, or gets a new one when `provider`
// is NULL. init() runs, Start() does not: a test calls the helper itself.
// `user_client` chooses IOUserClient or IOService as the superclass.
int32_t dext_sim_create_test_object(IOService *provider, uint8_t user_client, const char *const *queue_names,
                                    size_t queue_name_count, const char *external_method_queue,
                                    IOService **object);

typedef enum {
    DEXT_SIM_DELIVERY_RAN = 0,
    DEXT_SIM_DELIVERY_ASSERTED = 1,
    DEXT_SIM_DELIVERY_NOT_A_USER_CLIENT = 2,
} DextSimDeliveryStatus;

typedef struct {
    DextSimDeliveryStatus status;
    // The external method's return code, when it ran.
    int32_t result;
    // The queue table slot the method ran on (0 is the default queue).
    uint32_t slot;
    // The label of the queue it ran on, or the assertion message.
    char text[256];
} DextSimDelivery;

// Delivers a client's IOConnectCallScalarMethod to `user_client` the way the
// runtime's Invoke does: looks up the queue that the class description maps
// _ExternalMethod to, as QueueForObject does, then calls ExternalMethod on it.
// `output_count` is in/out.
void dext_sim_call_external_method(IOUserClient *user_client, uint64_t selector, const uint64_t *input,
                                   uint32_t input_count, uint64_t *output, uint32_t *output_count,
                                   DextSimDelivery *delivery);

// Calls object->SetDispatchQueue(name, queue) as dext code would; the call
// counts toward faults like any other.
int32_t dext_sim_set_dispatch_queue(OSObject *object, const char *name, IODispatchQueue *queue);

// Drops one reference, as OSSafeReleaseNULL does.
void dext_sim_release(OSObject *object);

// Inspection for tests.
uint32_t dext_sim_retain_count(const OSObject *object);
size_t dext_sim_live_objects(void);
// Releases of an object whose count was already zero, and retains of a
// freed object: each is a reference-counting bug in the code under test.
size_t dext_sim_refcount_errors(void);
// The queue in `name`'s slot, not retained, or NULL when the slot is empty or
// the name is not in the object's table.
IODispatchQueue *dext_sim_queue_in_slot(const OSObject *object, const char *name);
// The label a queue was created with.
const char *dext_sim_queue_label(const IODispatchQueue *queue);

size_t dext_sim_log_count(void);
// Copies log message `index` into `buffer` (NUL-terminated, truncated to
// `capacity`) and returns its full length, or 0 past the end.
size_t dext_sim_log_message(size_t index, char *buffer, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif
