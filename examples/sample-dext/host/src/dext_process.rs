//! One run of the sample dext in the simulated runtime, as the DriverKit
//! process would live it: DriverKit starts the service named in Info.plist, a
//! client opens a user client and calls an external method, then closes it.
//!
//! Usage: `HOST --runtime N [--user-client-type T] [--report-assertions]
//! [--no-fallback] [--old-runtime-rejects-described-names]`
//!
//! Prints one line, `outcome=...` followed by `key=value` fields, for the
//! runner to read. By default an assertion aborts the process with SIGABRT,
//! as on a real system; `--report-assertions` prints it as an outcome instead.

use std::path::Path;
use std::process::ExitCode;

use dext_sim::{AssertionAction, Config, Delivery, DextMockClassDescription, Sim};

// The helper is linked for the C++ side, which calls it; nothing in Rust does.
use dext_compat as _;

const INFO_PLIST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../dext/Info.plist");

/// The sample's kSampleSelectorAdd, and its inputs.
const SELECTOR_ADD: u64 = 0;
const ADD_INPUT: [u64; 2] = [2, 3];

type ClassTable = fn(&mut usize) -> *const *const DextMockClassDescription;

pub fn run(class_table: ClassTable) -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!("usage: {}", USAGE);
            return ExitCode::from(2);
        }
    };
    match play(&options, class_table) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "HOST --runtime N [--user-client-type T] [--report-assertions] [--no-fallback] \
                     [--old-runtime-rejects-described-names]";

struct Options {
    config: Config,
    user_client_type: u32,
}

impl Options {
    fn parse(mut arguments: impl Iterator<Item = String>) -> Result<Options, String> {
        let mut runtime = None;
        let mut options = Options {
            config: Config::runtime(0),
            user_client_type: 0,
        };
        options.config.assertion_action = AssertionAction::Abort;
        while let Some(argument) = arguments.next() {
            match argument.as_str() {
                "--runtime" => runtime = Some(number(&argument, arguments.next())?),
                "--user-client-type" => {
                    options.user_client_type = number(&argument, arguments.next())?
                }
                "--report-assertions" => options.config.assertion_action = AssertionAction::Report,
                "--no-fallback" => options.config.new_runtime_falls_back_to_default = false,
                "--old-runtime-rejects-described-names" => {
                    options.config.old_runtime_accepts_described_names = false
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        let runtime = runtime.ok_or("--runtime is required")?;
        if !(19..=25).contains(&runtime) {
            return Err(format!(
                "--runtime {runtime} is not a modelled DriverKit version; use 19 to 25"
            ));
        }
        options.config.runtime_major = runtime;
        Ok(options)
    }
}

fn number(flag: &str, value: Option<String>) -> Result<u32, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a number"))?;
    value
        .parse()
        .map_err(|_| format!("{flag} {value:?} is not a number"))
}

fn play(options: &Options, class_table: ClassTable) -> Result<(), String> {
    let sim = Sim::new(options.config);

    // Load the dext: its classes, then the personality from Info.plist.
    let mut count = 0;
    let classes = class_table(&mut count);
    for index in 0..count {
        // SAFETY: the generated table holds `count` descriptions with static
        // storage duration.
        unsafe { sim.register_class(*classes.add(index)) };
    }
    let personality = Personality::read(Path::new(INFO_PLIST))?;
    for (key, class_name) in &personality.user_clients {
        sim.set_property_class(key, class_name);
    }

    // DriverKit starts the service; a client opens it and calls a method.
    let service = match sim.start_service(&personality.service_class) {
        Ok(service) => service,
        Err(code) => {
            println!("outcome=start-failed code=0x{:08x}", code as u32);
            return Ok(());
        }
    };
    let user_client = match sim.open_user_client(service, options.user_client_type) {
        Ok(user_client) => user_client,
        Err(code) => {
            println!("outcome=open-failed code=0x{:08x}", code as u32);
            print_log(&sim);
            return Ok(());
        }
    };
    let delivery = sim.call_external_method(user_client, SELECTOR_ADD, &ADD_INPUT, 1);

    // Close everything and check that every reference was given back.
    sim.close_user_client(user_client);
    sim.stop_service(service);
    let references = if sim.live_objects() == 0 && sim.refcount_errors() == 0 {
        "balanced".to_owned()
    } else {
        format!(
            "unbalanced(live={},errors={})",
            sim.live_objects(),
            sim.refcount_errors()
        )
    };

    match delivery {
        Delivery::Ran {
            queue,
            slot,
            result,
            output,
        } => {
            let output = output.first().map_or("none".to_owned(), u64::to_string);
            println!(
                "outcome=ran queue={queue} slot={slot} result=0x{:08x} output={output} references={references}",
                result as u32
            );
        }
        Delivery::Asserted { message } => {
            println!("outcome=asserted references={references} message={message}")
        }
        Delivery::NotAUserClient => println!("outcome=not-a-user-client"),
    }
    print_log(&sim);
    Ok(())
}

fn print_log(sim: &Sim) {
    for line in sim.log() {
        eprintln!("os_log: {line}");
    }
}

/// The parts of the dext's Info.plist that the simulation uses.
struct Personality {
    /// IOUserClass of the personality: the service DriverKit starts.
    service_class: String,
    /// Each property dictionary with an IOUserClass, by key, as
    /// `IOService::Create` looks them up.
    user_clients: Vec<(String, String)>,
}

impl Personality {
    fn read(path: &Path) -> Result<Personality, String> {
        let value = plist::Value::from_file(path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let personality = value
            .as_dictionary()
            .and_then(|root| root.get("IOKitPersonalities"))
            .and_then(plist::Value::as_dictionary)
            .and_then(|personalities| personalities.values().next())
            .and_then(plist::Value::as_dictionary)
            .ok_or_else(|| format!("{} has no IOKitPersonalities entry", path.display()))?;
        let service_class = personality
            .get("IOUserClass")
            .and_then(plist::Value::as_string)
            .ok_or_else(|| format!("the personality in {} has no IOUserClass", path.display()))?
            .to_owned();
        let user_clients = personality
            .iter()
            .filter_map(|(key, value)| {
                let class_name = value.as_dictionary()?.get("IOUserClass")?.as_string()?;
                Some((key.clone(), class_name.to_owned()))
            })
            .collect();
        Ok(Personality {
            service_class,
            user_clients,
        })
    }
}
