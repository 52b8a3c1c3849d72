// Mock of DriverKit's umbrella header.
#ifndef _DRIVERKIT_DRIVERKIT_H
#define _DRIVERKIT_DRIVERKIT_H

#include <os/log.h>

#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOLib.h>
#include <DriverKit/IOReturn.h>
#include <DriverKit/IOService.h>
#include <DriverKit/IOUserClient.h>
#include <DriverKit/OSObject.h>

#endif
