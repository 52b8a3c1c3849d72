// Mock of DriverKit's <DriverKit/IOReturn.h>: the return-code type and the
// common IOKit codes, with the values of xnu's iokit/IOKit/IOReturn.h.
#ifndef _DRIVERKIT_IORETURN_H
#define _DRIVERKIT_IORETURN_H

typedef int kern_return_t;
typedef kern_return_t IOReturn;

#define KERN_SUCCESS 0

// iokit_common_err(code) is sys_iokit | sub_iokit_common | code, that is
// 0xe0000000 | code. The casts keep every constant an int, as kern_return_t is.
#define kIOReturnSuccess 0
#define kIOReturnError ((IOReturn)0xe00002bc)
#define kIOReturnNoMemory ((IOReturn)0xe00002bd)
#define kIOReturnNoResources ((IOReturn)0xe00002be)
#define kIOReturnBadArgument ((IOReturn)0xe00002c2)
#define kIOReturnUnsupported ((IOReturn)0xe00002c7)
#define kIOReturnInternalError ((IOReturn)0xe00002c9)
#define kIOReturnNotReady ((IOReturn)0xe00002d8)
#define kIOReturnAborted ((IOReturn)0xe00002eb)
#define kIOReturnNotFound ((IOReturn)0xe00002f0)

#endif
