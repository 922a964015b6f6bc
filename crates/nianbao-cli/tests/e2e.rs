//! The browser end-to-end tests (`e2e/run.mjs`: Playwright driving Debian's headless
//! Chromium against `nianbao serve`). They need Node.js, `e2e/node_modules` (`npm ci`
//! in `e2e/`) and `/usr/bin/chromium`; `.ci/run` installs all three. Under CI they are
//! required; elsewhere, without them, the test says what is missing and passes.

use std::path::Path;
use std::process::Command;

#[test]
fn browser_end_to_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let e2e = root.join("e2e");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing: Vec<&str> = [
        (!e2e.join("node_modules/playwright-core").exists())
            .then_some("e2e/node_modules（在 e2e/ 中运行 npm ci）"),
        (!Path::new(&chromium).exists()).then_some("/usr/bin/chromium（apt-get install chromium）"),
        Command::new("node")
            .arg("--version")
            .output()
            .is_err()
            .then_some("node"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser tests; missing: {missing:?}"
        );
        eprintln!("browser tests not run here; missing: {missing:?}");
        return;
    }
    let out = root.join("target/e2e");
    let status = Command::new("node")
        .arg("run.mjs")
        .current_dir(&e2e)
        .env("NIANBAO_BIN", env!("CARGO_BIN_EXE_nianbao"))
        .env("NIANBAO_E2E_OUT", &out)
        .env("CHROMIUM", &chromium)
        .status()
        .expect("node runs");
    assert!(
        status.success(),
        "browser end-to-end tests failed (screenshots in {})",
        out.display()
    );
}
