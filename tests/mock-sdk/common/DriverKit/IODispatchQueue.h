// Mock of DriverKit's <DriverKit/IODispatchQueue.h>.
#ifndef _DRIVERKIT_IODISPATCHQUEUE_H
#define _DRIVERKIT_IODISPATCHQUEUE_H

#include <DriverKit/OSObject.h>

class IODispatchQueue : public OSObject {
public:
    // Creates a serial queue labelled `name`; the caller owns the returned
    // reference.
    static kern_return_t Create(const char *name, uint64_t options,
                                uint64_t priority, IODispatchQueue **queue);
};

#endif
