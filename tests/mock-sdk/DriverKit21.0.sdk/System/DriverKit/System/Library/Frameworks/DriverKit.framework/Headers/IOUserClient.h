// Mock of <DriverKit/IOUserClient.h> from the DriverKit 21 SDK. From DriverKit 21
// on, IOUserClient.iig declares ExternalMethod with
// QUEUENAME(IOUserClientQueueExternalMethod), so every user client's class
// description lists that queue and maps _ExternalMethod to it.
#ifndef _DRIVERKIT_IOUSERCLIENT_H
#define _DRIVERKIT_IOUSERCLIENT_H

#define kIOUserClientQueueNameExternalMethod "IOUserClientQueueExternalMethod"

#define DEXT_MOCK_IOUSERCLIENT_QUEUE_NAMES kIOUserClientQueueNameExternalMethod,
#define DEXT_MOCK_IOUSERCLIENT_EXTERNAL_METHOD_QUEUE kIOUserClientQueueNameExternalMethod
#define DEXT_MOCK_IOUSERCLIENT_QUEUE_NAMES_BLOB kIOUserClientQueueNameExternalMethod

#include <DriverKit/IOUserClientBase.h>

#endif
