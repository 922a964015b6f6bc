//! Outside programs: started with a message naming what to install when they are
//! missing, and waited for with a time limit.

use crate::ReadError;

use std::io::Read;
use std::process::{Child, Command, ExitStatus};

/// Exit status of `sh` when the program it was to run is not installed.
pub const NOT_INSTALLED: i32 = 127;

/// `program args…` run under `sh` with limits on its address space (`mem_mib`) and CPU
/// time (`cpu_s`), set by the shell's `ulimit` before `exec`: a hostile input cannot
/// make the converter take the machine's memory (a 204 KB PDF once drove pdftotext to
/// 16 GB) nor spin past its CPU budget. The wall-clock limit stays with
/// [`wait_with_limit`]. A program that is not installed exits [`NOT_INSTALLED`].
pub fn limited(program: &str, args: &[&str], mem_mib: u64, cpu_s: u64) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "ulimit -v {} && ulimit -t {cpu_s} && exec \"$0\" \"$@\"",
            mem_mib * 1024
        ))
        .arg(program)
        .args(args);
    cmd
}

/// Reads a pipe to its end on a thread, keeping at most `cap` bytes (the rest is read and
/// dropped, so the child never blocks on a full pipe); `.1` says whether it overflowed.
pub fn drain(
    mut pipe: impl Read + Send + 'static,
    cap: usize,
) -> std::thread::JoinHandle<(Vec<u8>, bool)> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        let mut over = false;
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = cap.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                    over |= n > room;
                }
            }
        }
        (kept, over)
    })
}

/// Starts `cmd`; `what` names the program, `missing` says what to do when it is not installed.
pub fn spawn(cmd: &mut Command, what: &str, missing: &str) -> Result<Child, ReadError> {
    cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::ConverterMissing(missing.to_string()),
        _ => ReadError::ConverterFailed(format!("无法启动 {what}：{e}")),
    })
}
use std::time::{Duration, Instant};

/// Waits for `child`, killing it after `limit`; `what` names the program in messages.
pub fn wait_with_limit(
    child: &mut Child,
    limit: Duration,
    what: &str,
) -> Result<ExitStatus, ReadError> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ReadError::ConverterFailed(format!(
                    "{what}超过 {} 秒，已终止",
                    limit.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(ReadError::ConverterFailed(format!("{what}运行出错：{e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Stdio;

    fn run(cmd: &mut Command) -> (ExitStatus, Vec<u8>, Vec<u8>) {
        let mut child = spawn(
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped()),
            "sh",
            "no sh",
        )
        .unwrap();
        let out = drain(child.stdout.take().unwrap(), 1 << 20);
        let err = drain(child.stderr.take().unwrap(), 100);
        let status = wait_with_limit(&mut child, Duration::from_secs(20), "sh").unwrap();
        (status, out.join().unwrap().0, err.join().unwrap().0)
    }

    #[test]
    fn the_limits_are_set_in_the_child() {
        let (status, out, _) = run(&mut limited("sh", &["-c", "ulimit -v; ulimit -t"], 64, 7));
        assert!(status.success());
        assert_eq!(String::from_utf8_lossy(&out).trim(), "65536\n7");
    }

    /// A child writing megabytes to stderr does not block on the pipe: it finishes, and
    /// only the cap is kept.
    #[test]
    fn a_chatty_stderr_never_stalls_the_child() {
        let (status, out, err) = run(&mut limited(
            "sh",
            &["-c", "head -c 5000000 /dev/zero >&2; echo done"],
            512,
            10,
        ));
        assert!(status.success());
        assert_eq!(String::from_utf8_lossy(&out).trim(), "done");
        assert_eq!(err.len(), 100);
    }

    #[test]
    fn a_missing_program_is_told_apart() {
        let (status, _, _) = run(&mut limited("nianbao-no-such-program", &[], 64, 1));
        assert_eq!(status.code(), Some(NOT_INSTALLED));
    }
}
