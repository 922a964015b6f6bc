//! `nianbao deadline`: when an answer to a request is due, and why (《条例》arts. 30–33,
//! over the State Council's holiday schedule).

use std::process::ExitCode;

use anyhow::Context;
use jiff::civil::Date;
use nianbao_core::calendar::Calendar;
use nianbao_core::clock::input_date;
use nianbao_core::clock::{deadline, ClockEvent};

#[derive(clap::Args)]
pub struct DeadlineArgs {
    /// 收到申请之日（《条例》第三十一条），如 2024-09-30
    #[arg(value_parser = input_date)]
    pub received: Date,
    /// 发出补正通知之日
    #[arg(long, value_parser = input_date)]
    pub correction_requested: Option<Date>,
    /// 收到补正后申请之日（答复期限自次日重新计算）
    #[arg(long, value_parser = input_date)]
    pub correction_received: Option<Date>,
    /// 征求第三方或其他机关意见之日（期限暂停）
    #[arg(long, value_parser = input_date)]
    pub consulted: Option<Date>,
    /// 收到征求意见答复之日（期限自次日继续）
    #[arg(long, value_parser = input_date)]
    pub answered: Option<Date>,
    /// 批准延期：日期:工作日数，如 2024-10-20:10
    #[arg(long, value_parser = parse_extension)]
    pub extended: Vec<(Date, u32)>,
    /// 自定义节假日表（TSV，格式同 crates/nianbao-core/data/holidays.tsv）
    #[arg(long)]
    pub calendar: Option<std::path::PathBuf>,
}

fn parse_extension(s: &str) -> Result<(Date, u32), String> {
    let (d, n) = s
        .split_once(':')
        .ok_or("应写作 日期:工作日数，如 2024-10-20:10")?;
    Ok((
        input_date(d)?,
        n.parse().map_err(|_| format!("“{n}”不是工作日数"))?,
    ))
}

pub fn run(args: DeadlineArgs) -> anyhow::Result<ExitCode> {
    let custom;
    let cal = match &args.calendar {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("无法读取 {}", p.display()))?;
            custom = Calendar::from_tsv(&text).with_context(|| p.display().to_string())?;
            &custom
        }
        None => Calendar::official(),
    };
    let mut events = Vec::new();
    events.extend(
        args.correction_requested
            .map(ClockEvent::CorrectionRequested),
    );
    events.extend(args.correction_received.map(ClockEvent::CorrectionReceived));
    events.extend(args.consulted.map(ClockEvent::ConsultationSent));
    events.extend(args.answered.map(ClockEvent::ConsultationAnswered));
    events.extend(
        args.extended
            .iter()
            .map(|&(on, days)| ClockEvent::Extended { on, days }),
    );
    let d = deadline(cal, args.received, &events)?;
    for line in &d.explanation {
        println!("{line}");
    }
    println!("补正通知期限：{}", d.correction_notice_due);
    if let Some(w) = &d.waiting {
        println!("当前：{w}，暂无答复期限");
    }
    for w in &d.warnings {
        println!("注意：{w}");
    }
    Ok(ExitCode::SUCCESS)
}
