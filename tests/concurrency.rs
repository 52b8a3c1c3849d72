//! Many user clients started from several threads at once, each fixed, with
//! every reference count balanced at the end. The simulated runtime guards
//! its state with one mutex; this test also runs under ThreadSanitizer in the
//! sanitizer script, which is why it has its own `main`.

mod common;

use std::thread;

use dext_compat::{QueueOptions, ensure_external_method_queue};
use dext_sim::{Config, Delivery, Sim};

const THREADS: usize = 8;
const CLIENTS_PER_THREAD: usize = 50;

fn main() {
    clients_fixed_from_many_threads();
    println!(
        "concurrency: {THREADS} threads x {CLIENTS_PER_THREAD} user clients on runtimes 19, 20, 25: 1 passed, 0 failed"
    );
}

fn clients_fixed_from_many_threads() {
    for runtime in [19, 20, 25] {
        let sim = Sim::new(Config::runtime(runtime));
        let provider = sim.create_object(None, false, &[], None);

        thread::scope(|scope| {
            for thread_index in 0..THREADS {
                let sim = &sim;
                scope.spawn(move || {
                    // Half the threads ask for dedicated queues, so queue
                    // creation races with copying the shared default queue.
                    let options = if thread_index % 2 == 0 {
                        QueueOptions::empty()
                    } else {
                        QueueOptions::CREATE_DEDICATED
                    };
                    for _ in 0..CLIENTS_PER_THREAD {
                        let client = sim.create_user_client(Some(provider), common::sdk_major());
                        let outcome =
                            ensure_external_method_queue(common::user_client(client), options);
                        assert!(outcome.is_ok(), "runtime {runtime}: {outcome:?}");
                        let delivery = sim.call_external_method(client, 0, &[], 0);
                        assert!(
                            matches!(delivery, Delivery::Ran { .. }),
                            "runtime {runtime}: {delivery:?}"
                        );
                        sim.release(client);
                    }
                });
            }
        });

        // Only the provider and its default queue remain, with the queue's
        // count back to the provider's one reference.
        let default_queue = sim
            .queue_in_slot(provider, "Default")
            .expect("a default queue");
        assert_eq!(sim.retain_count(default_queue), 1, "runtime {runtime}");
        assert_eq!(sim.live_objects(), 2, "runtime {runtime}");
        sim.release(provider);
        assert_eq!(sim.live_objects(), 0, "runtime {runtime}");
        assert_eq!(sim.refcount_errors(), 0, "runtime {runtime}");
        assert!(sim.log().is_empty(), "runtime {runtime}: {:?}", sim.log());
    }
}
