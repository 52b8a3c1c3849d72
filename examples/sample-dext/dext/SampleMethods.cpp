#include "SampleMethods.h"

kern_return_t SampleAdd(OSObject *, void *, IOUserClientMethodArguments *arguments)
{
    arguments->scalarOutput[0] = arguments->scalarInput[0] + arguments->scalarInput[1];
    return kIOReturnSuccess;
}
