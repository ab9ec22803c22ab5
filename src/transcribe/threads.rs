//! How many threads transcription gets when the user does not say.
//!
//! whisper.cpp's worker threads wait for each other at every step of the network by spinning,
//! so a thread that has to share its core with another busy program holds all the others up.
//! Measured here: with another program busy on a 2-core machine, two threads took 21 s where
//! one thread took 2.2 s. So the default is one thread per physical core that is free: the
//! cores minus what the other programs are using, never fewer than one and never more than the
//! cores.
//!
//! Other rehearse analyses running at the same time (two terminals, a shell loop with `&`)
//! are counted too ([`super::running`]): two started together would each see an idle machine
//! in the sample below and each take every core.
//!
//! What the other programs are using is measured, not averaged: the CPU time every process but
//! this one used over a short sample ([`SAMPLE`], from `/proc/stat` and `/proc/self/stat`). The
//! 1-minute load average, used before, remembers rehearse's own previous run: on an idle 2-core
//! machine the second of two analyses in a row saw a load of 0.6, chose one thread and took
//! 9.7 s instead of 5.7 s.
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
/// more than this process may use) and the current load, and no more than an equal share of
/// the cores with the other rehearse analyses running ([`shared`], [`super::running`]).
pub fn default_threads() -> usize {
    // Joined before the load is sampled, counted after: two analyses started within the
    // sample each see the other.
    let (registry, own) = super::running::this_process();
    let busy = other_load().unwrap_or(0.0);
    let others = registry.map_or(0, |r| r.others(own));
    let cores = cores();
    shared(choose(cores, busy), cores, others)
}

/// At most an equal share of `physical` cores for this analysis beside `others` running:
/// `threads` otherwise, and never fewer than one.
pub fn shared(threads: usize, physical: usize, others: usize) -> usize {
    threads.min(physical / (others + 1)).max(1)
}

/// Physical cores this process may use: hyper-threads share a core's arithmetic units, so
/// they add nothing to matrix products.
pub fn cores() -> usize {
    num_cpus::get_physical().min(num_cpus::get()).max(1)
}

/// How long [`other_load`] watches the machine: 100 ms is 10 clock ticks per core, enough to
/// tell a busy core from an idle one, and short beside a model load.
pub const SAMPLE: std::time::Duration = std::time::Duration::from_millis(100);

/// Cores' worth of work other programs did over the last [`SAMPLE`] (Linux `/proc`); `None`
/// where it cannot be read.
pub fn other_load() -> Option<f64> {
    let before = CpuTimes::now()?;
    std::thread::sleep(SAMPLE);
    let after = CpuTimes::now()?;
    Some(after.others_busy_since(&before))
}

/// The machine's CPU time so far, in clock ticks: busy and in all, over every CPU, and this
/// process's own.
#[derive(Debug, Clone, Copy, PartialEq)]
struct CpuTimes {
    busy: u64,
    total: u64,
    cpus: usize,
    own: u64,
}

impl CpuTimes {
    fn now() -> Option<CpuTimes> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let own = std::fs::read_to_string("/proc/self/stat").ok()?;
        CpuTimes::parse(&stat, &own)
    }

    /// From `/proc/stat` (its `cpu` line: user nice system idle iowait irq softirq steal ...)
    /// and `/proc/self/stat` (utime and stime, fields 14 and 15, counted after the command
    /// name, which may hold spaces and parentheses).
    fn parse(stat: &str, own: &str) -> Option<CpuTimes> {
        let cpu: Vec<u64> = stat
            .lines()
            .find_map(|l| l.strip_prefix("cpu "))?
            .split_whitespace()
            .map(|v| v.parse().ok())
            .collect::<Option<_>>()?;
        if cpu.len() < 4 {
            return None;
        }
        let at = |i: usize| cpu.get(i).copied().unwrap_or(0);
        let idle = at(3) + at(4);
        let busy = at(0) + at(1) + at(2) + at(5) + at(6) + at(7);
        let cpus = stat
            .lines()
            .filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
            .count()
            .max(1);
        let after_name = &own[own.rfind(')')? + 1..];
        // Fields from the third on (state, ppid, ...): utime is the 14th field, stime the 15th.
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let own = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(CpuTimes {
            busy,
            total: busy + idle,
            cpus,
            own,
        })
    }

    /// Cores' worth of CPU time the other processes used between `before` and now.
    fn others_busy_since(&self, before: &CpuTimes) -> f64 {
        let total = self.total.saturating_sub(before.total);
        if total == 0 {
            return 0.0;
        }
        let others = self
            .busy
            .saturating_sub(before.busy)
            .saturating_sub(self.own.saturating_sub(before.own));
        others as f64 / total as f64 * self.cpus as f64
    }
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
    fn analyses_running_together_share_the_cores() {
        assert_eq!(shared(2, 2, 0), 2);
        assert_eq!(shared(2, 2, 1), 1);
        assert_eq!(shared(8, 8, 1), 4);
        assert_eq!(shared(8, 8, 2), 2);
        assert_eq!(shared(3, 8, 1), 3);
        assert_eq!(shared(2, 2, 5), 1);
    }

    #[test]
    fn never_fewer_than_one_nor_more_than_the_cores() {
        assert_eq!(choose(2, 20.0), 1);
        assert_eq!(choose(0, 0.0), 1);
        assert_eq!(choose(4, -3.0), 4);
    }

    const OWN: &str = "4242 (rehearse (x) y) S 1 4242 4242 0 -1 4194304 100 0 0 0 \
                       250 30 0 0 20 0 3 0 100 1000 100\n";

    fn stat(user: u64, system: u64, idle: u64) -> String {
        format!(
            "cpu  {user} 0 {system} {idle} 0 0 0 0 0 0\ncpu0 0 0 0 0\ncpu1 0 0 0 0\n\
             intr 1 2 3\nprocs_running 2\n"
        )
    }

    #[test]
    fn cpu_times_are_read_from_proc() {
        let t = CpuTimes::parse(&stat(100, 20, 500), OWN).unwrap();
        assert_eq!(
            t,
            CpuTimes {
                busy: 120,
                total: 620,
                cpus: 2,
                own: 280
            }
        );
        assert_eq!(CpuTimes::parse("", OWN), None);
        assert_eq!(CpuTimes::parse(&stat(1, 1, 1), "4242 (x) S 1"), None);
        assert!(CpuTimes::now().is_some(), "this machine has /proc");
    }

    #[test]
    fn this_process_is_not_counted_as_another_program() {
        let before = CpuTimes {
            busy: 1000,
            total: 5000,
            cpus: 2,
            own: 300,
        };
        // 20 ticks over two cores, 10 of them busy, all of them this process's: idle.
        let own_only = CpuTimes {
            busy: 1010,
            total: 5020,
            own: 310,
            ..before
        };
        assert_eq!(own_only.others_busy_since(&before), 0.0);
        // One core busy with someone else: one core's worth.
        let one_busy = CpuTimes {
            busy: 1010,
            total: 5020,
            ..before
        };
        assert_eq!(one_busy.others_busy_since(&before), 1.0);
        assert_eq!(choose(2, one_busy.others_busy_since(&before)), 1);
        assert_eq!(choose(2, own_only.others_busy_since(&before)), 2);
        // A clock that did not move reads as idle, not as a division by zero.
        assert_eq!(before.others_busy_since(&before), 0.0);
    }
}
