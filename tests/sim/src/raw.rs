//! Declarations of `include/dext_sim.h`.

use std::ffi::{c_char, c_void};

pub const DEXT_SIM_ASSERTION_REPORT: u32 = 0;
pub const DEXT_SIM_ASSERTION_ABORT: u32 = 1;

pub const DEXT_SIM_CALL_COPY_DISPATCH_QUEUE: u32 = 0;
pub const DEXT_SIM_CALL_SET_DISPATCH_QUEUE: u32 = 1;
pub const DEXT_SIM_CALL_CREATE_DISPATCH_QUEUE: u32 = 2;

pub const DEXT_SIM_FAULT_FAIL: u32 = 1;
pub const DEXT_SIM_FAULT_NULL_QUEUE: u32 = 2;

pub const DEXT_SIM_DELIVERY_RAN: u32 = 0;
pub const DEXT_SIM_DELIVERY_ASSERTED: u32 = 1;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct DextSimConfig {
    pub runtime_major: u32,
    pub assertion_action: u32,
    pub old_runtime_accepts_described_names: u8,
    pub new_runtime_falls_back_to_default: u8,
}

#[repr(C)]
pub struct DextSimDelivery {
    pub status: u32,
    pub result: i32,
    pub slot: u32,
    pub text: [c_char; 256],
}

impl Default for DextSimDelivery {
    fn default() -> DextSimDelivery {
        DextSimDelivery {
            status: 0,
            result: 0,
            slot: 0,
            text: [0; 256],
        }
    }
}

/// `DextMockClassDescription` of the mock SDK's `OSObject.h`.
#[repr(C)]
#[derive(Debug)]
pub struct DextMockClassDescription {
    pub name: *const c_char,
    pub super_name: *const c_char,
    pub queue_names: *const *const c_char,
    pub queue_name_count: usize,
    pub external_method_queue_name: *const c_char,
    pub create: Option<unsafe extern "C" fn() -> *mut c_void>,
}

unsafe extern "C" {
    pub fn dext_sim_reset(config: *const DextSimConfig);
    pub fn dext_sim_inject_fault(call: u32, occurrence: u32, kind: u32, code: i32) -> i32;
    pub fn dext_sim_call_count(call: u32) -> u32;
    pub fn dext_sim_register_class(description: *const DextMockClassDescription);
    pub fn dext_sim_set_property_class(properties_key: *const c_char, class_name: *const c_char);
    pub fn dext_sim_start_service(class_name: *const c_char, service: *mut *mut c_void) -> i32;
    pub fn dext_sim_stop_service(service: *mut c_void) -> i32;
    pub fn dext_sim_open_user_client(
        service: *mut c_void,
        kind: u32,
        user_client: *mut *mut c_void,
    ) -> i32;
    pub fn dext_sim_close_user_client(user_client: *mut c_void) -> i32;
    pub fn dext_sim_create_test_object(
        provider: *mut c_void,
        user_client: u8,
        queue_names: *const *const c_char,
        queue_name_count: usize,
        external_method_queue: *const c_char,
        object: *mut *mut c_void,
    ) -> i32;
    pub fn dext_sim_call_external_method(
        user_client: *mut c_void,
        selector: u64,
        input: *const u64,
        input_count: u32,
        output: *mut u64,
        output_count: *mut u32,
        delivery: *mut DextSimDelivery,
    );
    pub fn dext_sim_set_dispatch_queue(
        object: *mut c_void,
        name: *const c_char,
        queue: *mut c_void,
    ) -> i32;
    pub fn dext_sim_release(object: *mut c_void);
    pub fn dext_sim_retain_count(object: *const c_void) -> u32;
    pub fn dext_sim_live_objects() -> usize;
    pub fn dext_sim_refcount_errors() -> usize;
    pub fn dext_sim_queue_in_slot(object: *const c_void, name: *const c_char) -> *mut c_void;
    pub fn dext_sim_queue_label(queue: *const c_void) -> *const c_char;
    pub fn dext_sim_log_count() -> usize;
    pub fn dext_sim_log_message(index: usize, buffer: *mut c_char, capacity: usize) -> usize;
}
