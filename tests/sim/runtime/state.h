// Internal state of the simulated runtime, shared by its source files.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "dext_sim.h"

// Per-object bookkeeping, reached through OSObject::dext_mock_state.
struct DextMockObjectState {
    const DextMockClassDescription *description = nullptr;
    uint32_t retainCount = 1;
    // A freed object stays allocated, as a zombie, until the next reset, so
    // that an over-release is detected instead of touching freed memory.
    bool freed = false;
    // Slot 0 is the default queue, then one slot per queue name of the class
    // description, in order. Each non-null slot holds one reference.
    std::vector<IODispatchQueue *> slots;
    // Set for queues: the name given to IODispatchQueue::Create.
    std::string label;
    // The provider, for Stop().
    IOService *provider = nullptr;
};

namespace dext_sim {

// Guards everything below and every DextMockObjectState. Never held while
// dext code runs, because that code calls back into the simulator.
std::mutex &lock();

struct Runtime {
    DextSimConfig config = dext_sim_default_config();
    std::vector<OSObject *> objects;
    std::vector<const DextMockClassDescription *> classes;
    std::vector<std::pair<std::string, std::string>> propertyClasses;
    // Descriptions made at run time for test objects, and the storage of
    // their names.
    std::vector<DextMockClassDescription *> ownedDescriptions;
    std::vector<std::vector<std::string>> ownedNames;
    uint32_t callCounts[DEXT_SIM_CALL_COUNT] = {};
    struct Fault {
        uint32_t occurrence = 0;
        DextSimFaultKind kind = DEXT_SIM_FAULT_NONE;
        int32_t code = 0;
    } faults[DEXT_SIM_CALL_COUNT];
    size_t refcountErrors = 0;
    std::vector<std::string> log;

    // Deletes every object, freed or not, and the test descriptions. Runs
    // at reset and at exit, so that LeakSanitizer sees no object outlive the
    // runtime.
    void destroy_objects();
    ~Runtime() { destroy_objects(); }
};

// Caller holds lock().
Runtime &runtime();

// Counts a call by dext code and returns the fault that applies to it.
// Caller holds lock().
Runtime::Fault take_fault(DextSimCall call);

// Attaches state to a new object and records it. Caller holds lock().
void adopt(OSObject *object, const DextMockClassDescription *description);

// Creates a queue labelled `label` with one reference. Caller holds lock().
IODispatchQueue *new_queue(const char *label);

// The description of a built-in or registered class. Caller holds lock().
const DextMockClassDescription *find_class(const char *name);

// Index into the queue table for `name`, or -1 when the object's class
// description does not list it. Caller holds lock().
int slot_index(const OSObject *object, const char *name);

// Stores `queue` (retained) in `slot`, releasing what it held. Returns the
// queue whose last reference must be dropped outside the lock, if any.
// Caller holds lock().
void store_slot(OSObject *object, size_t slot, IODispatchQueue *queue, std::vector<OSObject *> &to_free);

// Drops one reference; when the count reaches zero, marks the object freed
// and appends it to `to_free` so that the caller can run free() without the
// lock. Caller holds lock().
void release_locked(const OSObject *object, std::vector<OSObject *> &to_free);

// Casts a new object to IOService, calls init() and Start(provider), and
// drops the object if any of them fails. On success *result takes over the
// caller's reference. Caller does not hold lock().
kern_return_t init_and_start(OSObject *created, IOService *provider, IOService **result);

// Runs free() on each object and drops the references their slots held.
// Caller does not hold lock().
void finish_free(std::vector<OSObject *> &to_free);

}  // namespace dext_sim
