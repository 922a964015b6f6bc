//! `nianbao serve`: the web app and JSON API over the corpus.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use crate::corpus::{open, open_read_only, DbArgs};

#[derive(clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// 监听地址
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// 只读（公开）模式：上传的文件只检查，不保存；不能载入演示语料
    #[arg(long)]
    pub read_only: bool,
    /// 上传文件的大小上限（MB）
    #[arg(long, default_value_t = 20)]
    pub max_upload_mb: usize,
    /// 单个请求的时间上限（秒）
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
    /// 会话 Cookie 加 Secure 标记（经 HTTPS 提供服务时使用）
    #[arg(long)]
    pub secure_cookies: bool,
    /// 日志格式：text（默认）或 json（每行一条结构化记录）
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
}

pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("NIANBAO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info,sqlx=warn"));
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if args.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
    // A read-only site opens its database read-only: a published copy of the corpus that
    // the server may not write serves as well.
    let (rt, store) = if args.read_only {
        open_read_only(&args.db)?
    } else {
        open(&args.db)?
    };
    let config = nianbao_web::Config {
        mode: if args.read_only {
            nianbao_web::Mode::ReadOnly
        } else {
            nianbao_web::Mode::Open
        },
        max_upload: args.max_upload_mb.max(1) * 1024 * 1024,
        timeout: Duration::from_secs(args.timeout.max(1)),
        secure_cookies: args.secure_cookies,
    };
    eprintln!("年报检查与统计：http://{}/（Ctrl-C 停止）", args.addr);
    rt.block_on(nianbao_web::serve(store.clone(), args.addr, config))?;
    rt.block_on(store.close());
    Ok(ExitCode::SUCCESS)
}
