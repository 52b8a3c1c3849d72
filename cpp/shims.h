// The DriverKit calls of dext-compat's Rust core, as C functions that
// src/shims.rs declares.
//
// DriverKit's generated methods end in a defaulted `OSDispatchMethod
// supermethod` parameter, so neither cxx nor a plain C declaration can name
// them; each function here makes one call. They are plain C functions rather
// than cxx-bound ones so that each DriverKit call costs one extra call, not a
// cxx trampoline and a shim. The header is also the one the cxx bridge
// includes for the DriverKit types.
#pragma once

#include <stdint.h>

#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOService.h>
#include <DriverKit/IOUserClient.h>

extern "C" {

int32_t dext_compat_shim_copy_dispatch_queue(IOService *service, const char *name, IODispatchQueue **queue);
int32_t dext_compat_shim_set_dispatch_queue(IOService *service, const char *name, IODispatchQueue *queue);
int32_t dext_compat_shim_create_dispatch_queue(const char *name, IODispatchQueue **queue);
void dext_compat_shim_release_dispatch_queue(IODispatchQueue *queue);

// Logs one failure with os_log: the step, the queue name (NULL when the name
// itself was rejected) and the code in hex.
void dext_compat_shim_log_failure(const char *step, const char *queue_name, int32_t code);
}
