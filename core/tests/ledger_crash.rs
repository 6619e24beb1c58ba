//! The fingerprint ledger must survive the app being killed at any moment: iOS and Android kill
//! share extensions without warning. This test re-runs its own binary as a writer child that
//! appends entries as fast as it can and acknowledges each durable append on stdout, SIGKILLs it
//! at random moments (during start-up, creation, writes, syncs), and after every kill checks that
//! every acknowledged entry is there and intact, nothing else is corrupt, and the ledger still
//! accepts appends.

#![cfg(unix)]

use std::io::{BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sharesafe_core::fingerprint::{Ledger, LedgerEntry, PdqHash};

/// Set in the child: the ledger path to write.
const CHILD_ENV: &str = "SHARESAFE_LEDGER_CRASH_CHILD";
const TEST_NAME: &str = "ledger_survives_sigkill_at_random_moments";
const ROUNDS: usize = 60;

/// Entry number `i`, the same in parent and child, so the parent can check every byte.
fn entry(i: u64) -> LedgerEntry {
    let mut hash = [0u8; 32];
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    for b in hash.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    LedgerEntry {
        hash: PdqHash(hash),
        quality: (i % 101) as u8,
        shared_at: 1_700_000_000 + i as i64,
        target_app: format!("com.example.app{}", "x".repeat((i % 40) as usize)),
    }
}

/// The child: append entries (singly and in small batches) until killed, acknowledging each
/// durable append. Bounded in time in case the parent dies first.
fn run_writer(path: &Path) {
    let mut ledger = Ledger::open(path).expect("child opens the ledger");
    let started = Instant::now();
    let mut batch = 1u64;
    while started.elapsed() < Duration::from_secs(20) {
        let n = ledger.len() as u64;
        if batch == 1 {
            ledger.append(entry(n)).expect("append");
        } else {
            ledger
                .append_many((n..n + batch).map(entry))
                .expect("append_many");
        }
        println!("ack {}", ledger.len());
        batch = batch % 4 + 1;
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn check_ledger(path: &Path, acknowledged: u64, round: usize) -> u64 {
    let ledger = Ledger::open(path).unwrap_or_else(|e| panic!("round {round}: reopen: {e}"));
    let len = ledger.len() as u64;
    assert!(
        len >= acknowledged,
        "round {round}: {len} entries but {acknowledged} were acknowledged"
    );
    for (i, e) in ledger.entries().iter().enumerate() {
        assert_eq!(*e, entry(i as u64), "round {round}: entry {i} differs");
    }
    len
}

#[test]
fn ledger_survives_sigkill_at_random_moments() {
    if let Some(path) = std::env::var_os(CHILD_ENV) {
        run_writer(Path::new(&path));
        return;
    }

    let dir = std::env::temp_dir().join(format!("sharesafe-ledger-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("fingerprints.ledger");

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        | 1;
    eprintln!("seed {seed}");
    let mut rng = Rng(seed);
    let exe = std::env::current_exe().expect("test binary path");

    let mut acknowledged = 0u64;
    let mut kills_after_writes = 0;
    let mut last_len = 0u64;
    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn writer");
        // Kill anywhere from process start-up to a few hundred appends in.
        let delay = Duration::from_micros(rng.next() % 60_000);
        std::thread::sleep(delay);
        if let Some(status) = child.try_wait().expect("poll child") {
            panic!("round {round}: writer exited by itself: {status}");
        }
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("reap");
        assert_eq!(status.signal(), Some(9), "round {round}: {status}");

        let mut out = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_to_string(&mut out)
            .expect("read child output");
        let acked_this_round = out
            .lines()
            .filter_map(|l| l.strip_prefix("ack "))
            .filter_map(|n| n.trim().parse::<u64>().ok())
            .max();
        if let Some(n) = acked_this_round {
            acknowledged = acknowledged.max(n);
            kills_after_writes += 1;
        }
        let len = check_ledger(&path, acknowledged, round);
        assert!(len >= last_len, "round {round}: entries were lost");
        last_len = len;
    }
    eprintln!(
        "{ROUNDS} kills, {kills_after_writes} of them while appending; {last_len} entries intact"
    );
    assert!(
        kills_after_writes >= ROUNDS / 3,
        "too few kills landed while appending ({kills_after_writes}); the test would prove little"
    );

    // Still usable: append, reopen, find.
    let mut ledger = Ledger::open(&path).expect("open");
    let n = ledger.len() as u64;
    ledger.append(entry(n)).expect("append after crashes");
    drop(ledger);
    let ledger = Ledger::open(&path).expect("reopen");
    assert_eq!(ledger.len() as u64, n + 1);
    let hits = ledger.find(&entry(n).hash, 0);
    assert!(hits.iter().any(|m| m.index as u64 == n));
    // The file holds exactly the valid records (magic, then length + 43-byte fixed payload +
    // app name + checksum per entry): no torn tail was left behind.
    let expected_size: u64 = 8 + ledger
        .entries()
        .iter()
        .map(|e| 2 + 43 + e.target_app.len() as u64 + 4)
        .sum::<u64>();
    assert_eq!(std::fs::metadata(&path).expect("stat").len(), expected_size);
    let _ = std::fs::remove_dir_all(&dir);
}
