//! `dext-compat-bench-probe`: applies the fix once to a user client in the
//! simulated DriverKit 25 runtime, for the runner to measure.
//!
//! - `dext-compat-bench-probe call ENTRY` makes one call, for callgrind;
//! - `dext-compat-bench-probe heap` counts the heap allocations of one call
//!   of each entry.
//!
//! ENTRY is `c-abi`, `cxx` or `reference`. Each call goes to a fresh user
//! client whose class lists the ExternalMethod queue, as one built with the
//! DriverKit 21+ SDK does, so it does what `Start` does on its first run.

// The callgrind patterns in this module are for the runner alone.
#[allow(dead_code)]
#[path = "../entries.rs"]
mod entries;

use std::hint::black_box;
use std::process::ExitCode;

use dext_compat::IOUserClient;
use dext_sim::{Config, EXTERNAL_METHOD_QUEUE, Sim};
use entries::Entry;

unsafe extern "C" {
    fn dext_compat_bench_call_cxx(user_client: *mut IOUserClient) -> i32;
    fn dext_compat_bench_call_reference(user_client: *mut IOUserClient) -> i32;
    fn dext_compat_bench_alloc_start();
    fn dext_compat_bench_alloc_stop() -> u64;
}

const USAGE: &str = "usage: dext-compat-bench-probe call c-abi|cxx|reference\n       dext-compat-bench-probe heap\n";

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    let result = match arguments.as_slice() {
        ["call", entry] => match Entry::from_name(entry) {
            Some(entry) => call_once(entry),
            None => Err(format!(
                "unknown entry `{entry}`; use c-abi, cxx or reference\n{USAGE}"
            )),
        },
        ["heap"] => count_allocations(),
        _ => Err(format!("invalid arguments {arguments:?}\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dext-compat-bench-probe: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Calls `entry` once and prints its code; callgrind collects the call.
fn call_once(entry: Entry) -> Result<(), String> {
    let sim = Sim::new(Config::runtime(25));
    let user_client = sim.create_user_client(None, 25);
    let code = call(entry, user_client.cast());
    check_fixed(&sim, entry, user_client, code)?;
    println!("{} result=0x{code:x}", entry.name());
    Ok(())
}

/// Counts the allocations of one call of each entry and prints one line
/// `heap ENTRY ALLOCATIONS` per entry.
fn count_allocations() -> Result<(), String> {
    let sim = Sim::new(Config::runtime(25));
    for entry in Entry::ALL {
        let user_client = sim.create_user_client(None, 25);
        let pointer = user_client.cast();

        // SAFETY: the counter functions only touch their own atomics.
        unsafe { dext_compat_bench_alloc_start() };
        let code = call(entry, pointer);
        // SAFETY: as above.
        let allocations = unsafe { dext_compat_bench_alloc_stop() };

        check_fixed(&sim, entry, user_client, code)?;
        println!("heap {} {allocations}", entry.name());
    }
    Ok(())
}

/// Calls the fix through `entry`, through a pointer the optimiser cannot
/// see through, so that the callee stays an out-of-line call.
fn call(entry: Entry, user_client: *mut IOUserClient) -> i32 {
    let function: unsafe extern "C" fn(*mut IOUserClient) -> i32 = match entry {
        Entry::CAbi => dext_compat::dext_compat_ensure_external_method_queue,
        Entry::Cxx => dext_compat_bench_call_cxx,
        Entry::Reference => dext_compat_bench_call_reference,
    };
    let function = black_box(function);
    // SAFETY: `user_client` is a live user client of the current simulation
    // that nothing else uses during the call; every entry accepts one.
    unsafe { function(user_client) }
}

/// Fails unless the call succeeded and set the ExternalMethod queue, so that
/// a benchmark never measures a path that did nothing.
fn check_fixed(
    sim: &Sim,
    entry: Entry,
    user_client: dext_sim::Object,
    code: i32,
) -> Result<(), String> {
    if code != 0 {
        return Err(format!(
            "the {} entry returned 0x{code:x} instead of kIOReturnSuccess",
            entry.name()
        ));
    }
    if sim
        .queue_in_slot(user_client, EXTERNAL_METHOD_QUEUE)
        .is_none()
    {
        return Err(format!(
            "the {} entry returned success but left the {EXTERNAL_METHOD_QUEUE} slot empty",
            entry.name()
        ));
    }
    Ok(())
}
