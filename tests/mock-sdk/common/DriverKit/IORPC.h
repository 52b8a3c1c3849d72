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

// The fixed part of the class description iig writes into
// __DATA_CONST,__osclassinfo. The real struct ends in zero-length arrays for
// the variable data; this mock leaves them out, which changes no offset, and
// the variable data follows the struct in each record.
struct OSClassDescription {
    uint32_t descriptionSize;

    char name[96];
    char superName[96];

    uint32_t methodOptionsSize;
    uint32_t methodOptionsOffset;
    uint32_t metaMethodOptionsSize;
    uint32_t metaMethodOptionsOffset;
    uint32_t queueNamesSize;
    uint32_t queueNamesOffset;
    uint32_t methodNamesSize;
    uint32_t methodNamesOffset;
    uint32_t metaMethodNamesSize;
    uint32_t metaMethodNamesOffset;

    uint64_t flags;

    uint64_t resv1[8];
};

#endif
