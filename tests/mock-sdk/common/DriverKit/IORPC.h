// Mock of DriverKit's <DriverKit/IORPC.h>: the message pair an RPC carries
// and the dispatch-method pointer type, laid out as in xnu's
// iokit/DriverKit/IORPC.h so that C++ names mangle as a real dext's do.
#ifndef _DRIVERKIT_IORPC_H
#define _DRIVERKIT_IORPC_H

#include <stdint.h>

#include <DriverKit/IOReturn.h>

struct IORPCMessageMach;
class OSMetaClassBase;

struct IORPC {
    IORPCMessageMach *message;
    IORPCMessageMach *reply;
    uint32_t sendSize;
    uint32_t replySize;
};

typedef kern_return_t (*OSDispatchMethod)(OSMetaClassBase *self, const IORPC rpc);

#endif
