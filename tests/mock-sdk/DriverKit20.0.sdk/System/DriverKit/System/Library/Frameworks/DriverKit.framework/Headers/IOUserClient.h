// Mock of <DriverKit/IOUserClient.h> from the DriverKit 20 SDK. IOUserClient.iig
// of this SDK gives ExternalMethod no queue name, so the SDK defines no
// kIOUserClientQueueNameExternalMethod and a user client's class description
// lists no queue names.
#ifndef _DRIVERKIT_IOUSERCLIENT_H
#define _DRIVERKIT_IOUSERCLIENT_H

#define DEXT_MOCK_IOUSERCLIENT_QUEUE_NAMES
#define DEXT_MOCK_IOUSERCLIENT_EXTERNAL_METHOD_QUEUE ((const char *)NULL)
#define DEXT_MOCK_IOUSERCLIENT_QUEUE_NAMES_BLOB ""

#include <DriverKit/IOUserClientBase.h>

#endif
