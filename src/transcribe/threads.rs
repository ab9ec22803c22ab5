//! How many threads transcription gets when the user does not say.
//!
//! whisper.cpp's worker threads wait for each other at every step of the network by spinning,
//! so a thread that has to share its core with another busy program holds all the others up.
//! Measured here: with another program busy on a 2-core machine, two threads took 21 s where
//! one thread took 2.2 s. So the default is one thread per physical core that is free: the
//! cores minus what the other programs are using (the larger of the 1-minute load average and
//! the processes running right now), never fewer than one and never more than the cores.
//!
//! The opt-in `blas` build (OpenBLAS for whisper.cpp's large matrix products) takes the same
//! count: whisper.cpp hands it to every backend, and ggml's BLAS backend calls
//! `openblas_set_num_threads` with it before each product, so OpenBLAS never runs more threads
//! than chosen here (`OPENBLAS_NUM_THREADS` is overridden). Its worker threads still spin for a
//! while after each product while ggml starts its own for the next step: on two threads under
//! load that build used 21.4-31.3 CPU s on the real 27 s take against 15.7-19.1 s for the
//! default build (README, "A BLAS build"), one reason it is not the default.

/// Threads for `physical` cores when `busy` cores' worth of other work is running.
pub fn choose(physical: usize, busy: f64) -> usize {
    let physical = physical.max(1);
    let free = (physical as f64 - busy.max(0.0) + 0.5).floor();
    (free.max(1.0) as usize).min(physical)
}

/// The default thread count on this machine, now: [`choose`] over the physical cores (no
/// more than this process may use) and the current load.
pub fn default_threads() -> usize {
    choose(cores(), other_load().unwrap_or(0.0))
}

/// Physical cores this process may use: hyper-threads share a core's arithmetic units, so
/// they add nothing to matrix products.
pub fn cores() -> usize {
    num_cpus::get_physical().min(num_cpus::get()).max(1)
}

/// Cores' worth of work other programs are doing: the larger of the 1-minute load average
/// and the number of other runnable processes now (`/proc`, Linux); `None` elsewhere.
pub fn other_load() -> Option<f64> {
    let loadavg = std::fs::read_to_string("/proc/loadavg").ok()?;
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    Some(parse_load(&loadavg, &stat))
}

fn parse_load(loadavg: &str, stat: &str) -> f64 {
    let average: f64 = loadavg
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    // procs_running counts this process too.
    let running = stat
        .lines()
        .find_map(|l| l.strip_prefix("procs_running"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map_or(0.0, |n| (n - 1.0).max(0.0));
    average.max(running)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idle_machine_gets_every_core() {
        assert_eq!(choose(2, 0.0), 2);
        assert_eq!(choose(8, 0.3), 8);
    }

    #[test]
    fn a_busy_core_is_left_to_its_program() {
        assert_eq!(choose(2, 1.0), 1);
        assert_eq!(choose(2, 0.7), 1);
        assert_eq!(choose(8, 3.0), 5);
    }

    #[test]
    fn never_fewer_than_one_nor_more_than_the_cores() {
        assert_eq!(choose(2, 20.0), 1);
        assert_eq!(choose(0, 0.0), 1);
        assert_eq!(choose(4, -3.0), 4);
    }

    #[test]
    fn load_is_read_from_proc() {
        let stat = "cpu  1 2 3\nprocs_running 3\nprocs_blocked 0\n";
        assert_eq!(parse_load("0.50 0.40 0.30 2/100 123\n", stat), 2.0);
        assert_eq!(parse_load("4.20 1.00 1.00 1/100 123\n", stat), 4.2);
        assert_eq!(parse_load("", ""), 0.0);
    }
}
