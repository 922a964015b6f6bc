use std::path::Path;
use std::process::ExitCode;
#[derive(clap::Args)]
pub struct GenerateArgs {}
pub fn generate(_a: GenerateArgs) -> anyhow::Result<ExitCode> { Ok(ExitCode::SUCCESS) }
pub fn demo(_d: &Path) -> anyhow::Result<ExitCode> { Ok(ExitCode::SUCCESS) }
