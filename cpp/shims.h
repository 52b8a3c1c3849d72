// The DriverKit calls of dext-compat's Rust core, as free functions that the
// cxx bridge in src/bridge.rs binds.
//
// DriverKit's generated methods end in a defaulted `OSDispatchMethod
// supermethod` parameter; cxx binds functions by exact signature, so the Rust
// side cannot name those methods directly. Each function here is one call.
#pragma once

#include <stdint.h>

#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOService.h>
#include <DriverKit/IOUserClient.h>

namespace dext_compat {

IOService &user_client_as_service(IOUserClient &user_client);

int32_t copy_dispatch_queue(IOService &service, const char *name, IODispatchQueue **queue);
int32_t set_dispatch_queue(IOService &service, const char *name, IODispatchQueue *queue);
int32_t create_dispatch_queue(const char *name, IODispatchQueue **queue);
void release_dispatch_queue(IODispatchQueue *queue);

// Logs one failure with os_log: the step, the queue name (or none when the
// name itself was rejected) and the code in hex.
void log_failure(const char *step, const char *queue_name, int32_t code);

}  // namespace dext_compat
