//! Rust interface to the simulated DriverKit runtime in `runtime/`.
//!
//! The runtime's state is global to the process, so a [`Sim`] holds a lock
//! for its lifetime: tests that create one run one at a time, while the
//! objects inside one simulation may be used from many threads.

use std::ffi::{CStr, CString, c_char, c_void};
use std::ptr::{self, NonNull};
use std::sync::{Mutex, MutexGuard};

mod raw;

pub use raw::{DextMockClassDescription, DextSimConfig as RawConfig};

/// The runtime calls a fault can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Call {
    CopyDispatchQueue,
    SetDispatchQueue,
    CreateDispatchQueue,
}

impl Call {
    pub const ALL: [Call; 3] = [
        Call::CopyDispatchQueue,
        Call::SetDispatchQueue,
        Call::CreateDispatchQueue,
    ];

    fn raw(self) -> u32 {
        match self {
            Call::CopyDispatchQueue => raw::DEXT_SIM_CALL_COPY_DISPATCH_QUEUE,
            Call::SetDispatchQueue => raw::DEXT_SIM_CALL_SET_DISPATCH_QUEUE,
            Call::CreateDispatchQueue => raw::DEXT_SIM_CALL_CREATE_DISPATCH_QUEUE,
        }
    }

    /// Returns whether the call hands back a queue, and so can succeed with none.
    pub fn returns_queue(self) -> bool {
        self != Call::SetDispatchQueue
    }
}

/// What an injected fault makes a call do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Return this code and leave the out parameter alone.
    Fail(i32),
    /// Return success with no queue.
    NullQueue,
}

/// What the runtime does when its queue lookup asserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssertionAction {
    /// Return the assertion to the caller, which survives it.
    Report,
    /// Print it and abort the process, as the real runtime does.
    Abort,
}

/// The simulated runtime's settings; see `include/dext_sim.h` for the
/// inferred behaviours the two flags switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub runtime_major: u32,
    pub assertion_action: AssertionAction,
    pub old_runtime_accepts_described_names: bool,
    pub new_runtime_falls_back_to_default: bool,
}

impl Config {
    /// The defaults for a runtime version: report assertions, both
    /// inferences on.
    pub fn runtime(major: u32) -> Config {
        Config {
            runtime_major: major,
            assertion_action: AssertionAction::Report,
            old_runtime_accepts_described_names: true,
            new_runtime_falls_back_to_default: true,
        }
    }

    fn raw(self) -> raw::DextSimConfig {
        raw::DextSimConfig {
            runtime_major: self.runtime_major,
            assertion_action: match self.assertion_action {
                AssertionAction::Report => raw::DEXT_SIM_ASSERTION_REPORT,
                AssertionAction::Abort => raw::DEXT_SIM_ASSERTION_ABORT,
            },
            old_runtime_accepts_described_names: self.old_runtime_accepts_described_names.into(),
            new_runtime_falls_back_to_default: self.new_runtime_falls_back_to_default.into(),
        }
    }
}

/// The DriverKit versions the simulator models, with the macOS each ships in.
pub const RUNTIMES: [(u32, &str); 7] = [
    (19, "10.15"),
    (20, "11"),
    (21, "12"),
    (22, "13"),
    (23, "14"),
    (24, "15"),
    (25, "26"),
];

/// The ExternalMethod queue name of the DriverKit 21 SDK and later.
pub const EXTERNAL_METHOD_QUEUE: &str = "IOUserClientQueueExternalMethod";

/// A DriverKit object of the simulation. Valid until the simulation that
/// made it is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Object(NonNull<c_void>);

// SAFETY: the runtime guards all object state with one mutex, so handles may
// move between threads; using an object after its last release is caught as
// a reference-counting error, not undefined behaviour, because freed objects
// stay allocated until the simulation ends.
unsafe impl Send for Object {}
// SAFETY: as for Send.
unsafe impl Sync for Object {}

impl Object {
    /// Returns the object as a pointer to a DriverKit class of the caller's choice,
    /// such as `dext_compat::IOUserClient`.
    pub fn cast<T>(self) -> *mut T {
        self.0.as_ptr().cast()
    }
}

/// How an external method call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The method ran on the queue with this label, in this slot.
    Ran {
        queue: String,
        slot: u32,
        result: i32,
        output: Vec<u64>,
    },
    /// The queue lookup asserted; the real runtime aborts here.
    Asserted { message: String },
    /// The object is not a user client.
    NotAUserClient,
}

/// A simulation: resets the runtime on creation and keeps exclusive use of it.
pub struct Sim {
    _exclusive: MutexGuard<'static, ()>,
}

static EXCLUSIVE: Mutex<()> = Mutex::new(());

impl Sim {
    pub fn new(config: Config) -> Sim {
        // A test that panicked while holding the lock leaves the runtime in
        // some state; the reset below discards it, so the poison is moot.
        let exclusive = EXCLUSIVE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let raw = config.raw();
        // SAFETY: the guard ensures no other simulation uses the runtime.
        unsafe { raw::dext_sim_reset(&raw) };
        Sim {
            _exclusive: exclusive,
        }
    }

    pub fn inject_fault(&self, call: Call, occurrence: u32, fault: Fault) {
        let (kind, code) = match fault {
            Fault::Fail(code) => (raw::DEXT_SIM_FAULT_FAIL, code),
            Fault::NullQueue => (raw::DEXT_SIM_FAULT_NULL_QUEUE, 0),
        };
        // SAFETY: plain values; the runtime validates them.
        let status = unsafe { raw::dext_sim_inject_fault(call.raw(), occurrence, kind, code) };
        assert_eq!(
            status, 0,
            "the simulator rejected fault {fault:?} for {call:?}"
        );
    }

    pub fn call_count(&self, call: Call) -> u32 {
        // SAFETY: plain value.
        unsafe { raw::dext_sim_call_count(call.raw()) }
    }

    /// Registers a class that `DEXT_MOCK_DEFINE_CLASS` described.
    ///
    /// # Safety
    ///
    /// `description` points to a description that lives for the process.
    pub unsafe fn register_class(&self, description: *const DextMockClassDescription) {
        // SAFETY: the caller guarantees the description's lifetime.
        unsafe { raw::dext_sim_register_class(description) }
    }

    /// Records that the provider property `key` names `class_name`, as an
    /// Info.plist entry with an `IOUserClass` does.
    pub fn set_property_class(&self, key: &str, class_name: &str) {
        let key = CString::new(key).expect("property keys have no NUL");
        let class_name = CString::new(class_name).expect("class names have no NUL");
        // SAFETY: both are C strings; the runtime copies them.
        unsafe { raw::dext_sim_set_property_class(key.as_ptr(), class_name.as_ptr()) }
    }

    pub fn start_service(&self, class_name: &str) -> Result<Object, i32> {
        let class_name = CString::new(class_name).expect("class names have no NUL");
        let mut service = ptr::null_mut();
        // SAFETY: a C string and a writable out pointer.
        let code = unsafe { raw::dext_sim_start_service(class_name.as_ptr(), &mut service) };
        object_or_code(code, service)
    }

    pub fn stop_service(&self, service: Object) -> i32 {
        // SAFETY: `service` came from this simulation.
        unsafe { raw::dext_sim_stop_service(service.cast()) }
    }

    pub fn open_user_client(&self, service: Object, user_client_type: u32) -> Result<Object, i32> {
        let mut user_client = ptr::null_mut();
        // SAFETY: `service` came from this simulation; the out pointer is writable.
        let code = unsafe {
            raw::dext_sim_open_user_client(service.cast(), user_client_type, &mut user_client)
        };
        object_or_code(code, user_client)
    }

    pub fn close_user_client(&self, user_client: Object) -> i32 {
        // SAFETY: `user_client` came from this simulation.
        unsafe { raw::dext_sim_close_user_client(user_client.cast()) }
    }

    /// Creates a test object whose class description lists `queue_names` and
    /// maps `_ExternalMethod` to `external_method_queue`, as iig would. Its
    /// default queue is `provider`'s, or a new one.
    pub fn create_object(
        &self,
        provider: Option<Object>,
        user_client: bool,
        queue_names: &[&str],
        external_method_queue: Option<&str>,
    ) -> Object {
        let names: Vec<CString> = queue_names
            .iter()
            .map(|name| CString::new(*name).expect("queue names have no NUL"))
            .collect();
        let pointers: Vec<*const c_char> = names.iter().map(|name| name.as_ptr()).collect();
        let external =
            external_method_queue.map(|name| CString::new(name).expect("queue names have no NUL"));
        let mut object = ptr::null_mut();
        // SAFETY: the runtime copies every string before returning; the
        // provider, if any, came from this simulation.
        let code = unsafe {
            raw::dext_sim_create_test_object(
                provider.map_or(ptr::null_mut(), |provider| provider.cast()),
                user_client.into(),
                pointers.as_ptr(),
                pointers.len(),
                external.as_ref().map_or(ptr::null(), |name| name.as_ptr()),
                &mut object,
            )
        };
        object_or_code(code, object).expect("creating a test object succeeds")
    }

    /// Creates a user client as a class built with `sdk_major` would describe it.
    pub fn create_user_client(&self, provider: Option<Object>, sdk_major: u32) -> Object {
        if sdk_major >= 21 {
            self.create_object(
                provider,
                true,
                &[EXTERNAL_METHOD_QUEUE],
                Some(EXTERNAL_METHOD_QUEUE),
            )
        } else {
            self.create_object(provider, true, &[], None)
        }
    }

    /// Calls `SetDispatchQueue(name, queue)` on `object`, as dext code would.
    pub fn set_dispatch_queue(&self, object: Object, name: &str, queue: Object) -> i32 {
        let name = CString::new(name).expect("queue names have no NUL");
        // SAFETY: both objects came from this simulation; `name` is a C string.
        unsafe { raw::dext_sim_set_dispatch_queue(object.cast(), name.as_ptr(), queue.cast()) }
    }

    /// Drops one reference, as `OSSafeReleaseNULL` does.
    pub fn release(&self, object: Object) {
        // SAFETY: `object` came from this simulation.
        unsafe { raw::dext_sim_release(object.cast()) }
    }

    /// Delivers external method `selector` with scalar arguments, as a
    /// client's `IOConnectCallScalarMethod` would.
    pub fn call_external_method(
        &self,
        user_client: Object,
        selector: u64,
        input: &[u64],
        output_capacity: u32,
    ) -> Delivery {
        let mut output = vec![0u64; output_capacity as usize];
        let mut output_count = output_capacity;
        let mut delivery = raw::DextSimDelivery::default();
        // SAFETY: the slices outlive the call and the counts match them.
        unsafe {
            raw::dext_sim_call_external_method(
                user_client.cast(),
                selector,
                input.as_ptr(),
                input.len() as u32,
                output.as_mut_ptr(),
                &mut output_count,
                &mut delivery,
            )
        };
        let text = c_text(&delivery.text);
        match delivery.status {
            raw::DEXT_SIM_DELIVERY_RAN => {
                output.truncate(output_count.min(output_capacity) as usize);
                Delivery::Ran {
                    queue: text,
                    slot: delivery.slot,
                    result: delivery.result,
                    output,
                }
            }
            raw::DEXT_SIM_DELIVERY_ASSERTED => Delivery::Asserted { message: text },
            _ => Delivery::NotAUserClient,
        }
    }

    pub fn retain_count(&self, object: Object) -> u32 {
        // SAFETY: `object` came from this simulation.
        unsafe { raw::dext_sim_retain_count(object.cast()) }
    }

    pub fn live_objects(&self) -> usize {
        // SAFETY: no arguments.
        unsafe { raw::dext_sim_live_objects() }
    }

    /// Over-releases and retains of freed objects since the reset.
    pub fn refcount_errors(&self) -> usize {
        // SAFETY: no arguments.
        unsafe { raw::dext_sim_refcount_errors() }
    }

    /// Returns the queue in `name`'s slot of `object`, if any.
    pub fn queue_in_slot(&self, object: Object, name: &str) -> Option<Object> {
        let name = CString::new(name).expect("queue names have no NUL");
        // SAFETY: `object` came from this simulation; `name` is a C string.
        let queue = unsafe { raw::dext_sim_queue_in_slot(object.cast(), name.as_ptr()) };
        NonNull::new(queue.cast()).map(Object)
    }

    pub fn queue_label(&self, queue: Object) -> String {
        // SAFETY: `queue` came from this simulation; the label lives as long
        // as the queue and is copied at once.
        let label = unsafe { raw::dext_sim_queue_label(queue.cast()) };
        if label.is_null() {
            return String::new();
        }
        // SAFETY: the runtime returns a NUL-terminated label.
        unsafe { CStr::from_ptr(label) }
            .to_string_lossy()
            .into_owned()
    }

    /// Returns every message logged since the reset.
    pub fn log(&self) -> Vec<String> {
        // SAFETY: no arguments.
        let count = unsafe { raw::dext_sim_log_count() };
        (0..count)
            .map(|index| {
                let mut buffer = [0u8; 1024];
                // SAFETY: the buffer is writable for its length.
                unsafe {
                    raw::dext_sim_log_message(index, buffer.as_mut_ptr().cast(), buffer.len())
                };
                c_text(&buffer.map(|byte| byte as c_char))
            })
            .collect()
    }
}

fn object_or_code(code: i32, object: *mut c_void) -> Result<Object, i32> {
    if code != 0 {
        return Err(code);
    }
    NonNull::new(object).map(Object).ok_or(code)
}

fn c_text(text: &[c_char]) -> String {
    let bytes: Vec<u8> = text
        .iter()
        .take_while(|&&byte| byte != 0)
        .map(|&byte| byte as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}
