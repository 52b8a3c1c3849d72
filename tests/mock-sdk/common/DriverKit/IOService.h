// Mock of DriverKit's <DriverKit/IOService.h>.
//
// For an RPC method such as `Start`, real iig output declares the caller's
// stub `Start(provider, supermethod = NULL)` and an implementation
// `Start_Impl(provider)` that a subclass defines with `IMPL(Class, Start)`.
// This mock has no iig, so the implementation is the one-argument virtual
// overload and IMPL names it; callers still see the two-argument stub, whose
// mangled name matches the real one.
#ifndef _DRIVERKIT_IOSERVICE_H
#define _DRIVERKIT_IOSERVICE_H

#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/OSObject.h>

class IOUserClient;

#define IMPL(className, methodName) className::methodName

class IOService : public OSObject {
public:
    virtual bool init() override;
    virtual void free() override;

    virtual kern_return_t Start(IOService *provider);
    kern_return_t Start(IOService *provider, OSDispatchMethod supermethod);

    virtual kern_return_t Stop(IOService *provider);
    kern_return_t Stop(IOService *provider, OSDispatchMethod supermethod);

    virtual kern_return_t NewUserClient(uint32_t type, IOUserClient **userClient);
    kern_return_t NewUserClient(uint32_t type, IOUserClient **userClient,
                                OSDispatchMethod supermethod);

    kern_return_t RegisterService(OSDispatchMethod supermethod = NULL);

    // Instantiates the class that the provider's property `propertiesKey`
    // names, as DriverKit does from the dext's Info.plist.
    kern_return_t Create(IOService *provider, const char *propertiesKey,
                         IOService **result, OSDispatchMethod supermethod = NULL);

    // IOService overrides the OSObject accessors as LOCAL methods.
    kern_return_t SetDispatchQueue(const char *name, IODispatchQueue *queue,
                                   OSDispatchMethod supermethod = NULL);
    kern_return_t CopyDispatchQueue(const char *name, IODispatchQueue **queue,
                                    OSDispatchMethod supermethod = NULL);
};

#endif
