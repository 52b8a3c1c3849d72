//! Every runtime call on every path of the helper, made to fail or to return
//! no queue, under each policy and runtime version.
//!
//! After each case: the code is the failing step's, exactly one failure is
//! logged (none with NO_LOG), and once the test drops its objects every queue
//! is freed with no over-release, so no reference leaked or was released
//! twice. Run with `--nocapture` to see the table.

mod common;

use core::ffi::CStr;

use dext_compat::kern_return::{
    kIOReturnNoMemory, kIOReturnNotFound, kIOReturnSuccess, kern_return_t,
};
use dext_compat::{Error, Outcome, QueueOptions, Step};
use dext_sim::{Call, Config, Fault, Object, RUNTIMES, Sim};

/// A code no step produces by itself, so that a passed-through code is
/// distinguishable from a substituted one.
const INJECTED: kern_return_t = 0xe00002d5_u32 as kern_return_t; // kIOReturnBusy

/// The ways in: the ExternalMethod helper (Rust API) on a user client, and
/// the general helper on a service with an AuxiliaryQueue, through the Rust
/// API and through the C ABI, which returns only the code.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Entry {
    ExternalMethod,
    NamedQueue,
    NamedQueueC,
}

const ENTRIES: [Entry; 3] = [Entry::ExternalMethod, Entry::NamedQueue, Entry::NamedQueueC];

const AUXILIARY: &str = "AuxiliaryQueue";

/// A fault: which call, which occurrence of it on the path, and how.
type Plan = Option<(Call, u32, Fault)>;

fn plans() -> Vec<Plan> {
    let mut plans = vec![None];
    for call in Call::ALL {
        for occurrence in 1..=2 {
            plans.push(Some((call, occurrence, Fault::Fail(INJECTED))));
            if call.returns_queue() {
                plans.push(Some((call, occurrence, Fault::NullQueue)));
            }
        }
    }
    plans
}

const POLICIES: [QueueOptions; 4] = [
    QueueOptions::empty(),
    QueueOptions::KEEP_EXISTING,
    QueueOptions::CREATE_DEDICATED,
    QueueOptions::KEEP_EXISTING.union(QueueOptions::CREATE_DEDICATED),
];

/// What the helper must return, worked out from its documented steps: with
/// KEEP_EXISTING, copy the named queue and stop if one is set; then create a
/// queue (CREATE_DEDICATED) or copy the default one; then set it.
fn expected(plan: Plan, options: QueueOptions, preset: bool) -> Result<Outcome, Error> {
    let mut copies = 0;
    let fault_on = |call: Call, occurrence: u32| match plan {
        Some((planned, planned_occurrence, fault))
            if planned == call && planned_occurrence == occurrence =>
        {
            Some(fault)
        }
        _ => None,
    };

    if options.contains(QueueOptions::KEEP_EXISTING) {
        copies += 1;
        if preset && fault_on(Call::CopyDispatchQueue, copies).is_none() {
            return Ok(Outcome::KeptExistingQueue);
        }
    }
    let (step, call, occurrence, null_code, outcome) =
        if options.contains(QueueOptions::CREATE_DEDICATED) {
            (
                Step::CreateQueue,
                Call::CreateDispatchQueue,
                1,
                kIOReturnNoMemory,
                Outcome::CreatedDedicatedQueue,
            )
        } else {
            copies += 1;
            (
                Step::CopyDefaultQueue,
                Call::CopyDispatchQueue,
                copies,
                kIOReturnNotFound,
                Outcome::AliasedDefaultQueue,
            )
        };
    match fault_on(call, occurrence) {
        Some(Fault::Fail(code)) => return Err(Error::new(step, code)),
        Some(Fault::NullQueue) => return Err(Error::new(step, null_code)),
        None => {}
    }
    if let Some(Fault::Fail(code)) = fault_on(Call::SetDispatchQueue, 1) {
        return Err(Error::new(Step::SetQueue, code));
    }
    Ok(outcome)
}

struct Row {
    entry: Entry,
    options: QueueOptions,
    preset: bool,
    plan: Plan,
    result: Result<Outcome, Error>,
    cases: usize,
}

#[test]
fn fault_matrix() {
    let mut rows: Vec<Row> = Vec::new();
    let mut cases = 0;
    let sdk_has_name = dext_compat::EXTERNAL_METHOD_QUEUE_NAME.is_some();

    for entry in ENTRIES {
        for options in POLICIES {
            for log in [true, false] {
                let options = if log {
                    options
                } else {
                    options | QueueOptions::NO_LOG
                };
                for preset in [false, true] {
                    for plan in plans() {
                        let mut expect = expected(plan, options, preset);
                        if entry == Entry::ExternalMethod && !sdk_has_name {
                            expect = Ok(Outcome::NotNeeded);
                        }
                        for (runtime, _) in RUNTIMES {
                            let result = run_case(entry, runtime, options, preset, plan);
                            assert_eq!(
                                result,
                                comparable(entry, expect),
                                "{entry:?}, runtime {runtime}, {options:?}, preset {preset}, fault {plan:?}"
                            );
                            cases += 1;
                        }
                        if log {
                            rows.push(Row {
                                entry,
                                options,
                                preset,
                                plan,
                                result: expect,
                                cases: RUNTIMES.len() * 2,
                            });
                        }
                    }
                }
            }
        }
    }

    print_table(&rows);
    println!("{cases} cases, {cases} passed");
    assert_eq!(
        cases,
        ENTRIES.len() * POLICIES.len() * 2 * 2 * plans().len() * RUNTIMES.len()
    );
}

/// Runs one case and checks the logs and references; returns the result.
fn run_case(
    entry: Entry,
    runtime: u32,
    options: QueueOptions,
    preset: bool,
    plan: Plan,
) -> Result<Outcome, Error> {
    let context =
        format!("{entry:?}, runtime {runtime}, {options:?}, preset {preset}, fault {plan:?}");
    let sim = Sim::new(Config::runtime(runtime));
    let provider = sim.create_object(None, false, &[], None);
    let object = match entry {
        Entry::ExternalMethod => sim.create_user_client(Some(provider), common::sdk_major()),
        Entry::NamedQueue | Entry::NamedQueueC => {
            sim.create_object(Some(provider), false, &[AUXILIARY], None)
        }
    };
    let name = match entry {
        Entry::ExternalMethod => dext_sim::EXTERNAL_METHOD_QUEUE,
        Entry::NamedQueue | Entry::NamedQueueC => AUXILIARY,
    };

    // A queue the dext set itself before calling the helper.
    let mut extra = Vec::new();
    if preset {
        let owner = sim.create_object(None, false, &[], None);
        let queue = sim
            .queue_in_slot(owner, "Default")
            .expect("a default queue");
        // Ignore the code: on an SDK without the name the slot does not exist.
        let _ = sim.set_dispatch_queue(object, name, queue);
        extra.push(owner);
    }

    // Faults count from the calls the helper makes, not the preset's.
    if let Some((call, occurrence, fault)) = plan {
        sim.inject_fault(call, sim.call_count(call) + occurrence, fault);
    }

    let result = call_helper(entry, object, options);

    // Exactly one log line for a failure, unless NO_LOG.
    let logged = sim.log().len();
    let expected_logs = usize::from(result.is_err() && !options.contains(QueueOptions::NO_LOG));
    assert_eq!(logged, expected_logs, "{context}: log {:?}", sim.log());
    assert_eq!(
        sim.refcount_errors(),
        0,
        "{context}: over-release during the call"
    );

    // Drop every object: all queues must go with them.
    sim.release(object);
    sim.release(provider);
    for owner in extra {
        sim.release(owner);
    }
    assert_eq!(sim.live_objects(), 0, "{context}: a reference leaked");
    assert_eq!(
        sim.refcount_errors(),
        0,
        "{context}: a reference was released twice"
    );
    result
}

/// Calls the helper. The C ABI returns only the code, so its result is
/// compared through a stand-in error of the expected step: the table's step
/// column is checked for the Rust entries, the code for all of them.
fn call_helper(entry: Entry, object: Object, options: QueueOptions) -> Result<Outcome, Error> {
    let name: &CStr = c"AuxiliaryQueue";
    match entry {
        Entry::ExternalMethod => {
            dext_compat::ensure_external_method_queue(common::user_client(object), options)
        }
        Entry::NamedQueue => {
            dext_compat::ensure_named_queue(common::service(object), name, options)
        }
        Entry::NamedQueueC => {
            // SAFETY: a live service from the simulation and a C string.
            let code = unsafe {
                dext_compat::dext_compat_ensure_named_queue(
                    object.cast(),
                    name.as_ptr(),
                    options.bits(),
                )
            };
            if code == kIOReturnSuccess {
                Ok(Outcome::AliasedDefaultQueue)
            } else {
                Err(Error::new(Step::CheckArguments, code))
            }
        }
    }
}

/// Makes an expected result comparable with what `call_helper` returns for
/// `entry`.
fn comparable(entry: Entry, result: Result<Outcome, Error>) -> Result<Outcome, Error> {
    match (entry, result) {
        (Entry::NamedQueueC, Ok(_)) => Ok(Outcome::AliasedDefaultQueue),
        (Entry::NamedQueueC, Err(error)) => Err(Error::new(Step::CheckArguments, error.code())),
        (_, result) => result,
    }
}

fn print_table(rows: &[Row]) {
    println!(
        "{:<15} {:<34} {:<7} {:<36} {:<52} cases",
        "entry", "policy", "preset", "fault", "result"
    );
    for row in rows {
        let fault = match row.plan {
            None => "none".to_owned(),
            Some((call, occurrence, Fault::Fail(code))) => {
                format!("{call:?} #{occurrence}: fails 0x{:08x}", code as u32)
            }
            Some((call, occurrence, Fault::NullQueue)) => {
                format!("{call:?} #{occurrence}: no queue")
            }
        };
        let result = match row.result {
            Ok(outcome) => format!("{outcome:?}"),
            Err(error) => error.to_string(),
        };
        println!(
            "{:<15} {:<34} {:<7} {:<36} {:<52} {}",
            format!("{:?}", row.entry),
            format!("{:?}", row.options),
            row.preset,
            fault,
            result,
            row.cases
        );
    }
}
