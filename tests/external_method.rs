//! The ExternalMethod helper against the simulated runtime, through the
//! Rust API, for the SDK this test binary was built with.

mod common;

use dext_compat::kern_return::kIOReturnSuccess;
use dext_compat::{Outcome, QueueOptions, ensure_external_method_queue};
use dext_sim::{Config, Delivery, EXTERNAL_METHOD_QUEUE, Sim};

use common::{sdk_major, user_client};

#[test]
fn helper_fixes_every_runtime() {
    for (runtime, _) in dext_sim::RUNTIMES {
        let sim = Sim::new(Config::runtime(runtime));
        let provider = sim.create_object(None, false, &[], None);
        let client = sim.create_user_client(Some(provider), sdk_major());

        let outcome = ensure_external_method_queue(user_client(client), QueueOptions::empty());

        let expected = if sdk_major() >= 21 {
            Outcome::AliasedDefaultQueue
        } else {
            Outcome::NotNeeded
        };
        assert_eq!(outcome, Ok(expected), "runtime {runtime}");
        match sim.call_external_method(client, 0, &[], 0) {
            Delivery::Ran { queue, slot, .. } => {
                assert_eq!(queue, "Default", "runtime {runtime}");
                let expected_slot = if sdk_major() >= 21 { 1 } else { 0 };
                assert_eq!(slot, expected_slot, "runtime {runtime}");
            }
            other => panic!("runtime {runtime}: external method did not run: {other:?}"),
        }
    }
}

#[test]
fn unfixed_client_asserts_on_old_runtimes() {
    // The crash this crate exists for: without the helper, a user client
    // built with the 21 SDK asserts on runtimes 19 and 20.
    for (runtime, _) in dext_sim::RUNTIMES {
        let sim = Sim::new(Config::runtime(runtime));
        let client = sim.create_user_client(None, 21);

        let delivery = sim.call_external_method(client, 0, &[], 0);

        if runtime <= 20 {
            let Delivery::Asserted { message } = delivery else {
                panic!(
                    "runtime {runtime}: expected the QueueForObject assertion, got {delivery:?}"
                );
            };
            assert!(
                message.contains("QueueForObject"),
                "runtime {runtime}: {message}"
            );
        } else {
            assert!(
                matches!(delivery, Delivery::Ran { slot: 0, .. }),
                "runtime {runtime}: {delivery:?}"
            );
        }
    }
}

#[test]
fn second_call_is_harmless() {
    let sim = Sim::new(Config::runtime(20));
    let client = sim.create_user_client(None, sdk_major());
    let default_queue = sim
        .queue_in_slot(client, "Default")
        .expect("a default queue");
    let count_before = sim.retain_count(default_queue);

    for _ in 0..2 {
        let outcome = ensure_external_method_queue(user_client(client), QueueOptions::empty());
        assert!(outcome.is_ok(), "{outcome:?}");
    }

    // The named slot holds one reference whatever the number of calls.
    let named_slot_references = if sdk_major() >= 21 { 1 } else { 0 };
    assert_eq!(
        sim.retain_count(default_queue),
        count_before + named_slot_references
    );
    assert_eq!(sim.refcount_errors(), 0);
    assert!(matches!(
        sim.call_external_method(client, 0, &[], 0),
        Delivery::Ran { .. }
    ));
}

#[test]
fn replaced_default_queue_is_used() {
    if sdk_major() < 21 {
        return;
    }
    let sim = Sim::new(Config::runtime(19));
    let client = sim.create_user_client(None, sdk_major());

    // The dext moves its default queue before calling the helper, so the
    // ExternalMethod queue must follow it.
    let replacement = sim.create_object(None, false, &[], None);
    let replacement_queue = sim.queue_in_slot(replacement, "Default").expect("a queue");
    assert_eq!(
        sim.set_dispatch_queue(client, "Default", replacement_queue),
        kIOReturnSuccess
    );

    ensure_external_method_queue(user_client(client), QueueOptions::empty())
        .expect("the fix applies");

    assert_eq!(
        sim.queue_in_slot(client, EXTERNAL_METHOD_QUEUE),
        Some(replacement_queue)
    );
    assert_eq!(sim.refcount_errors(), 0);
}

#[test]
fn sdk_without_queue_name_is_a_no_op() {
    if sdk_major() >= 21 {
        assert!(dext_compat::EXTERNAL_METHOD_QUEUE_NAME.is_some());
        return;
    }
    let sim = Sim::new(Config::runtime(19));
    let client = sim.create_user_client(None, sdk_major());

    let outcome = ensure_external_method_queue(user_client(client), QueueOptions::empty());

    assert_eq!(outcome, Ok(Outcome::NotNeeded));
    for call in dext_sim::Call::ALL {
        assert_eq!(sim.call_count(call), 0, "{call:?} was called");
    }
}

#[test]
fn unknown_option_bits_rejected_in_rust() {
    let sim = Sim::new(Config::runtime(20));
    let client = sim.create_user_client(None, sdk_major());

    let outcome =
        ensure_external_method_queue(user_client(client), QueueOptions::from_bits_retain(1 << 5));

    let error = outcome.expect_err("an unknown bit is rejected");
    assert_eq!(error.step(), dext_compat::Step::CheckOptions);
    assert_eq!(error.code(), dext_compat::kern_return::kIOReturnBadArgument);
    for call in dext_sim::Call::ALL {
        assert_eq!(sim.call_count(call), 0, "{call:?} was called");
    }
}
