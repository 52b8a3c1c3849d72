//! The plain C ABI and the argument checks that run before any DriverKit call.

mod common;

use core::ffi::c_char;
use core::ptr;

use dext_compat::kern_return::{kIOReturnBadArgument, kIOReturnSuccess};
use dext_compat::{
    QUEUE_NAME_CAPACITY, QueueOptions, dext_compat_ensure_external_method_queue,
    dext_compat_ensure_external_method_queue_with_options, dext_compat_ensure_named_queue,
};
use dext_sim::{Call, Config, Delivery, Sim};

fn assert_no_runtime_call(sim: &Sim) {
    for call in Call::ALL {
        assert_eq!(sim.call_count(call), 0, "{call:?} was called");
    }
}

#[test]
fn null_user_client_is_bad_argument() {
    let sim = Sim::new(Config::runtime(20));

    // SAFETY: null is part of the contract.
    let code = unsafe { dext_compat_ensure_external_method_queue(ptr::null_mut()) };

    assert_eq!(code, kIOReturnBadArgument);
    assert_no_runtime_call(&sim);
    let log = sim.log();
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(
        log[0].contains("argument check failed for queue (none)"),
        "{log:?}"
    );
}

#[test]
fn null_user_client_without_log() {
    let sim = Sim::new(Config::runtime(20));

    // SAFETY: null is part of the contract.
    let code = unsafe {
        dext_compat_ensure_external_method_queue_with_options(
            ptr::null_mut(),
            QueueOptions::NO_LOG.bits(),
        )
    };

    assert_eq!(code, kIOReturnBadArgument);
    assert!(sim.log().is_empty());
}

#[test]
fn unknown_option_bits_are_rejected_first() {
    let sim = Sim::new(Config::runtime(20));
    let client = sim.create_user_client(None, common::sdk_major());

    for bit in 3..32 {
        // SAFETY: a live user client from the simulation.
        let code = unsafe {
            dext_compat_ensure_external_method_queue_with_options(client.cast(), 1 << bit)
        };
        assert_eq!(code, kIOReturnBadArgument, "bit {bit}");
    }

    assert_no_runtime_call(&sim);
    assert_eq!(sim.log().len(), 29);
    assert!(sim.log()[0].contains("option check failed"));
}

#[test]
fn c_entry_fixes_the_client() {
    let sim = Sim::new(Config::runtime(19));
    let client = sim.create_user_client(None, common::sdk_major());

    // SAFETY: a live user client from the simulation.
    let code = unsafe { dext_compat_ensure_external_method_queue(client.cast()) };

    assert_eq!(code, kIOReturnSuccess);
    assert!(matches!(
        sim.call_external_method(client, 0, &[], 0),
        Delivery::Ran { .. }
    ));
}

fn named_queue(service: dext_sim::Object, name: *const c_char) -> i32 {
    // SAFETY: a live service from the simulation; every name below is null,
    // NUL-terminated, or at least QUEUE_NAME_CAPACITY bytes long.
    unsafe { dext_compat_ensure_named_queue(service.cast(), name, 0) }
}

#[test]
fn invalid_names_are_rejected_first() {
    let sim = Sim::new(Config::runtime(20));
    let service = sim.create_object(None, false, &["AuxiliaryQueue"], None);
    let long_name = [b'q'; QUEUE_NAME_CAPACITY + 1];
    let mut long_terminated = long_name;
    long_terminated[QUEUE_NAME_CAPACITY] = 0;

    assert_eq!(
        named_queue(service, ptr::null()),
        kIOReturnBadArgument,
        "null name"
    );
    assert_eq!(
        named_queue(service, c"".as_ptr()),
        kIOReturnBadArgument,
        "empty name"
    );
    assert_eq!(
        named_queue(service, long_name.as_ptr().cast()),
        kIOReturnBadArgument,
        "no NUL in 256 bytes"
    );
    assert_eq!(
        named_queue(service, long_terminated.as_ptr().cast()),
        kIOReturnBadArgument,
        "256 bytes and NUL"
    );

    assert_no_runtime_call(&sim);
}

#[test]
fn null_service_is_bad_argument() {
    let sim = Sim::new(Config::runtime(20));

    // SAFETY: null is part of the contract.
    let code =
        unsafe { dext_compat_ensure_named_queue(ptr::null_mut(), c"AuxiliaryQueue".as_ptr(), 0) };

    assert_eq!(code, kIOReturnBadArgument);
    assert_no_runtime_call(&sim);
}

#[test]
fn scsi_queues_are_set() {
    // A SCSI controller dext must provide AuxiliaryQueue and InterruptQueue.
    let sim = Sim::new(Config::runtime(20));
    let service = sim.create_object(None, false, &["AuxiliaryQueue", "InterruptQueue"], None);

    assert_eq!(
        named_queue(service, c"AuxiliaryQueue".as_ptr()),
        kIOReturnSuccess
    );
    // SAFETY: a live service and a NUL-terminated name.
    let code = unsafe {
        dext_compat_ensure_named_queue(
            service.cast(),
            c"InterruptQueue".as_ptr(),
            QueueOptions::CREATE_DEDICATED.bits(),
        )
    };
    assert_eq!(code, kIOReturnSuccess);

    let default_queue = sim.queue_in_slot(service, "Default");
    assert_eq!(sim.queue_in_slot(service, "AuxiliaryQueue"), default_queue);
    let interrupt = sim
        .queue_in_slot(service, "InterruptQueue")
        .expect("a queue");
    assert_eq!(sim.queue_label(interrupt), "InterruptQueue");
    // The slot holds the only reference to the dedicated queue.
    assert_eq!(sim.retain_count(interrupt), 1);
}

#[test]
fn unlisted_name_fails_in_set() {
    // The kernel rejects a name the class description does not list; the
    // helper passes the code on and still releases its reference.
    let sim = Sim::new(Config::runtime(20));
    let service = sim.create_object(None, false, &[], None);
    let default_queue = sim
        .queue_in_slot(service, "Default")
        .expect("a default queue");
    let count_before = sim.retain_count(default_queue);

    assert_eq!(
        named_queue(service, c"AuxiliaryQueue".as_ptr()),
        kIOReturnBadArgument
    );

    assert_eq!(sim.retain_count(default_queue), count_before);
    assert_eq!(sim.call_count(Call::SetDispatchQueue), 1);
    assert_eq!(sim.refcount_errors(), 0);
    let log = sim.log();
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(
        log[0].contains("SetDispatchQueue failed for queue AuxiliaryQueue: 0xe00002c2"),
        "{log:?}"
    );
}
