//! Outside programs: started with a message naming what to install when they are
//! missing, and waited for with a time limit.

use std::process::{Child, Command, ExitStatus};

/// Starts `cmd`; `what` names the program, `missing` says what to do when it is not installed.
pub fn spawn(cmd: &mut Command, what: &str, missing: &str) -> Result<Child, String> {
    cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => missing.to_string(),
        _ => format!("无法启动 {what}：{e}"),
    })
}
use std::time::{Duration, Instant};

/// Waits for `child`, killing it after `limit`; `what` names the program in messages.
pub fn wait_with_limit(
    child: &mut Child,
    limit: Duration,
    what: &str,
) -> Result<ExitStatus, String> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{what}超过 {} 秒，已终止", limit.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("{what}运行出错：{e}")),
        }
    }
}
