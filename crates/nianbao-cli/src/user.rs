//! `nianbao user add`: accounts of the agency workbench.

use std::io::BufRead;
use std::process::ExitCode;

use nianbao_store::accounts::Role;

use crate::corpus::{open, DbArgs};

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// 新建账号；密码从环境变量 NIANBAO_PASSWORD 或标准输入（一行）读取
    Add {
        /// 用户名
        name: String,
        /// 角色：admin（管理员）、staff（机关工作人员）、supervisor（监督者，只读）
        #[arg(long, value_parser = ["admin", "staff", "supervisor"])]
        role: String,
        /// staff：所属机关（可重复）
        #[arg(long)]
        agency: Vec<String>,
        /// supervisor：监督的地区（区划代码）
        #[arg(long)]
        region: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn run(cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let UserCommand::Add {
        name,
        role,
        agency,
        region,
        db,
    } = cmd;
    let role = Role::from_name(&role).expect("clap checked the role");
    if role == Role::Staff && agency.is_empty() {
        anyhow::bail!("机关工作人员账号需要至少一个 --agency");
    }
    if role == Role::Supervisor && region.is_none() {
        anyhow::bail!("监督者账号需要 --region（区划代码）");
    }
    let password = match std::env::var("NIANBAO_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("请输入密码（至少 10 个字符），回车结束：");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let (rt, store) = open(&db)?;
    let id = rt.block_on(store.create_user(&name, &password, role, &agency, region.as_deref()))?;
    eprintln!("已创建账号 {name}（编号 {id}）");
    Ok(ExitCode::SUCCESS)
}
