// Mock of DriverKit's <DriverKit/IOLib.h>: the kernel-style allocator.
#ifndef _DRIVERKIT_IOLIB_H
#define _DRIVERKIT_IOLIB_H

#include <stddef.h>

#include <DriverKit/IOReturn.h>

#ifdef __cplusplus
extern "C" {
#endif
// No alignment is promised; IOFree must receive the size given to IOMalloc.
void *IOMalloc(size_t length);
void IOFree(void *address, size_t length);
#ifdef __cplusplus
}
#endif

#endif
