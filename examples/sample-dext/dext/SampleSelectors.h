// The external methods of the sample's user clients, shared by the dext and
// its clients. Each selector takes two scalars and returns one.
#ifndef SampleSelectors_h
#define SampleSelectors_h

enum SampleSelector : uint64_t {
    // Returns the sum of the two inputs.
    kSampleSelectorAdd = 0,
    kSampleSelectorCount,
};

// The `type` a client passes to IOServiceOpen.
enum SampleUserClientType : uint32_t {
    // SampleUserClient: control requests, on the service's default queue.
    kSampleUserClientControl = 0,
    // SampleStreamUserClient: requests that must not wait behind the default
    // queue, on a dedicated queue.
    kSampleUserClientStream = 1,
};

#endif
