//! How many files a batch may analyse at once without running out of memory.
//!
//! whisper.cpp aborts the whole process when an allocation fails (a `GGML_ASSERT` or an
//! uncaught C++ exception): no error comes back for the file that asked, and every take of the
//! batch is lost. So the room is checked before the batch starts and the jobs are capped to what
//! fits: the memory the system still has (`MemAvailable`), the process's cgroup limit, and its
//! address-space limit (`ulimit -v`, `RLIMIT_AS`), each against what a job costs there. A
//! whisper state reserves far more address space than it touches (measured with tiny.en: about
//! 920 MiB of address space for 125 MiB resident), so the two are counted apart.

use std::path::Path;

const MIB: u64 = 1024 * 1024;

/// Memory a batch job costs, or a batch's fixed part: resident bytes and address space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub resident: u64,
    pub address_space: u64,
}

impl Cost {
    /// One job (a whisper state, its threads and a take's samples) with a model file of
    /// `model_bytes`. Measured with tiny.en (75 MB) on 3-second takes: a second job added
    /// 125 MiB resident (peak 239 -> 364 MiB) and 917 MiB of address space (1013 -> 1930 MiB);
    /// larger models have larger states, estimated here as growing with the model.
    pub fn job(model_bytes: u64) -> Cost {
        Cost {
            resident: 100 * MIB + model_bytes,
            address_space: 900 * MIB + model_bytes,
        }
    }

    /// What the batch holds whatever the number of jobs: the model (unless it is already
    /// loaded, and so already counted in what the process uses) and the speech detector.
    /// Measured with tiny.en: one job peaked at 1013 MiB of address space, 96 MiB more than
    /// the 917 MiB a job adds.
    pub fn shared(model_bytes: u64, model_loaded: bool) -> Cost {
        let model = if model_loaded { 0 } else { model_bytes };
        Cost {
            resident: 50 * MIB + model,
            address_space: 50 * MIB + model,
        }
    }
}

/// Which limit leaves the least room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The memory the system has left (`MemAvailable` in /proc/meminfo).
    System,
    /// The memory limit of the process's cgroup (a container's, or systemd's).
    Cgroup,
    /// The process's address-space limit (`ulimit -v`).
    AddressSpace,
}

impl Limit {
    fn describe(self) -> &'static str {
        match self {
            Limit::System => "the memory the system has free",
            Limit::Cgroup => "the memory limit of this process's cgroup",
            Limit::AddressSpace => "the address-space limit (ulimit -v)",
        }
    }
}

/// The room this process has left, in bytes, under each limit that applies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Room {
    pub system: Option<u64>,
    pub cgroup: Option<u64>,
    pub address_space: Option<u64>,
}

impl Room {
    /// The room now (Linux; elsewhere nothing is known and nothing caps the jobs).
    pub fn now() -> Room {
        Room {
            system: mem_available(),
            cgroup: cgroup_room(),
            address_space: address_space_room(),
        }
    }

    /// How many jobs of `job` fit beside `shared`, and under which limit, when any applies.
    fn jobs_that_fit(&self, shared: Cost, job: Cost) -> Option<(usize, Limit)> {
        let fits = |room: Option<u64>, shared: u64, each: u64, limit| {
            room.map(|r| (r.saturating_sub(shared) / each.max(1)) as usize)
                .map(|n| (n, limit))
        };
        [
            fits(self.system, shared.resident, job.resident, Limit::System),
            fits(self.cgroup, shared.resident, job.resident, Limit::Cgroup),
            fits(
                self.address_space,
                shared.address_space,
                job.address_space,
                Limit::AddressSpace,
            ),
        ]
        .into_iter()
        .flatten()
        .min_by_key(|(n, _)| *n)
    }
}

/// How many files a batch analyses at once, and why it is fewer than asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobsPlan {
    pub requested: usize,
    pub jobs: usize,
    /// Cores, when they capped the jobs.
    pub cores: Option<usize>,
    /// The memory limit that capped the jobs, and how many it allows (at least one job
    /// always runs, so this may be 0).
    pub memory: Option<(Limit, usize)>,
}

impl JobsPlan {
    /// `requested` jobs for `files` files, capped by `cores` and by the memory `room`
    /// (`shared` once, `job` for each). Never fewer than one.
    pub fn new(
        requested: usize,
        files: usize,
        cores: usize,
        room: &Room,
        shared: Cost,
        job: Cost,
    ) -> JobsPlan {
        let wanted = requested.clamp(1, files.max(1));
        let mut jobs = wanted;
        let mut plan = JobsPlan {
            requested,
            jobs,
            cores: None,
            memory: None,
        };
        if cores < jobs {
            jobs = cores.max(1);
            plan.cores = Some(cores);
        }
        if let Some((fit, limit)) = room.jobs_that_fit(shared, job) {
            if fit < jobs {
                jobs = fit.max(1);
                plan.memory = Some((limit, fit));
                plan.cores = None;
            }
        }
        plan.jobs = jobs;
        plan
    }

    /// One line for the user when fewer jobs run than were asked for.
    pub fn note(&self) -> Option<String> {
        let at_once = |n: usize| {
            if n == 1 {
                "one file at a time".to_string()
            } else {
                format!("{n} files at a time")
            }
        };
        if let Some((limit, fit)) = self.memory {
            let room = match fit {
                0 => "not enough for even one job; trying one".to_string(),
                1 => "room for one job".to_string(),
                n => format!("room for {n} jobs"),
            };
            return Some(format!(
                "--jobs {}: analysing {} ({}: {room})",
                self.requested,
                at_once(self.jobs),
                limit.describe()
            ));
        }
        self.cores.map(|c| {
            format!(
                "--jobs {}: analysing {} ({c} cores)",
                self.requested,
                at_once(self.jobs)
            )
        })
    }
}

/// Bytes in the first number of the line of `text` that starts with `key`, given in kB.
fn kb_field(text: &str, key: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line[key.len()..].split_whitespace().next()?.parse().ok()?;
    Some(kb * 1024)
}

fn mem_available() -> Option<u64> {
    kb_field(
        &std::fs::read_to_string("/proc/meminfo").ok()?,
        "MemAvailable:",
    )
}

/// A byte count from a cgroup file; `max` (v2) or a near-2^63 value (v1) means no limit.
fn cgroup_number(path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let n: u64 = text.trim().parse().ok()?;
    (n < 1 << 60).then_some(n)
}

/// The limit minus the usage of the process's memory cgroup (v2, or v1's memory controller).
fn cgroup_room() -> Option<u64> {
    let membership = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    cgroup_room_in(&membership, Path::new("/sys/fs/cgroup"))
}

fn cgroup_room_in(membership: &str, root: &Path) -> Option<u64> {
    for line in membership.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let rel = path.trim_start_matches('/');
        let (dir, limit, usage) = if controllers.is_empty() {
            (root.to_path_buf(), "memory.max", "memory.current")
        } else if controllers.split(',').any(|c| c == "memory") {
            (
                root.join("memory"),
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
            )
        } else {
            continue;
        };
        // Inside a container the path may be the host's; the container's own is at the root.
        for d in [dir.join(rel), dir] {
            if let Some(max) = cgroup_number(&d.join(limit)) {
                let used = cgroup_number(&d.join(usage)).unwrap_or(0);
                return Some(max.saturating_sub(used));
            }
        }
    }
    None
}

/// `RLIMIT_AS` minus the address space the process already uses.
#[cfg(target_os = "linux")]
fn address_space_room() -> Option<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut lim) } != 0
        || lim.rlim_cur == libc::RLIM_INFINITY
    {
        return None;
    }
    let used = kb_field(
        &std::fs::read_to_string("/proc/self/status").ok()?,
        "VmSize:",
    )?;
    // rlim_t is u64 on 64-bit Linux, not on every target.
    #[allow(clippy::unnecessary_cast)]
    let limit = lim.rlim_cur as u64;
    Some(limit.saturating_sub(used))
}

#[cfg(not(target_os = "linux"))]
fn address_space_room() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1024 * MIB;
    const TINY: u64 = 75 * MIB;

    fn plan(requested: usize, files: usize, cores: usize, room: Room) -> JobsPlan {
        JobsPlan::new(
            requested,
            files,
            cores,
            &room,
            Cost::shared(TINY, false),
            Cost::job(TINY),
        )
    }

    #[test]
    fn jobs_are_capped_by_files_and_cores() {
        let p = plan(64, 3, 64, Room::default());
        assert_eq!((p.jobs, p.note()), (3, None));
        let p = plan(64, 64, 2, Room::default());
        assert_eq!(p.jobs, 2);
        assert_eq!(
            p.note().unwrap(),
            "--jobs 64: analysing 2 files at a time (2 cores)"
        );
    }

    #[test]
    fn an_address_space_limit_of_1_5_gb_leaves_room_for_one_tiny_job() {
        let room = Room {
            address_space: Some(3 * GIB / 2 - 200 * MIB),
            ..Room::default()
        };
        let p = plan(64, 64, 64, room);
        assert_eq!(p.jobs, 1);
        assert_eq!(p.memory, Some((Limit::AddressSpace, 1)));
        assert!(p.note().unwrap().contains("ulimit -v"), "{:?}", p.note());
    }

    #[test]
    fn the_tightest_limit_decides() {
        let room = Room {
            system: Some(20 * GIB),
            cgroup: Some(GIB),
            address_space: None,
        };
        let p = plan(64, 64, 64, room);
        // (1024 MiB - 125 MiB) / 175 MiB = 5 jobs.
        assert_eq!((p.jobs, p.memory), (5, Some((Limit::Cgroup, 5))));
    }

    #[test]
    fn no_room_at_all_still_runs_one_job() {
        let room = Room {
            system: Some(10 * MIB),
            ..Room::default()
        };
        let p = plan(8, 8, 4, room);
        assert_eq!((p.jobs, p.memory), (1, Some((Limit::System, 0))));
        assert!(p.note().unwrap().contains("not enough for even one job"));
    }

    #[test]
    fn cgroup_v1_and_v2_limits_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let v1 = dir.path().join("memory/box");
        std::fs::create_dir_all(&v1).unwrap();
        std::fs::write(v1.join("memory.limit_in_bytes"), "1073741824\n").unwrap();
        std::fs::write(v1.join("memory.usage_in_bytes"), "73741824\n").unwrap();
        assert_eq!(
            cgroup_room_in("4:memory:/box\n0::/\n", dir.path()),
            Some(1_000_000_000)
        );
        std::fs::write(dir.path().join("memory.max"), "max\n").unwrap();
        assert_eq!(cgroup_room_in("0::/\n", dir.path()), None);
        std::fs::write(dir.path().join("memory.max"), "2000\n").unwrap();
        std::fs::write(dir.path().join("memory.current"), "500\n").unwrap();
        assert_eq!(cgroup_room_in("0::/elsewhere\n", dir.path()), Some(1500));
    }

    #[test]
    fn meminfo_fields_are_read_in_bytes() {
        let text = "MemTotal:       24683520 kB\nMemAvailable:   24232000 kB\n";
        assert_eq!(kb_field(text, "MemAvailable:"), Some(24_232_000 * 1024));
        assert_eq!(kb_field(text, "VmSize:"), None);
    }
}
