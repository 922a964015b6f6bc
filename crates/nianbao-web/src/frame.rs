//! The page frame every HTML page shares (head, navigation, footer) and errors shown as
//! pages. Pages, the workbench and the error type depend on it; it depends on none of
//! them but the error type, so there is no cycle.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use crate::error::ApiError;

const NAV: [(&str, &str); 7] = [
    ("/", "首页"),
    ("/check", "检查年报"),
    ("/reports", "语料库"),
    ("/dashboards", "统计图表"),
    ("/rollup", "汇总"),
    ("/rules", "规则"),
    ("/work", "工作台"),
];

/// The frame of every page.
pub(crate) fn page(title: &str, active: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="X-UA-Compatible" content="IE=edge";
                title { (title) " · 年报检查" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                header.top {
                    a.brand href="/" { "年报" span { "政府信息公开工作年度报告 检查与统计" } }
                    nav { @for (href, label) in NAV { a href=(href) class=[(href == active).then_some("active")] { (label) } } a href="/api/v1/openapi.json" { "API" } }
                }
                main { (body) }
                footer { "nianbao " (nianbao_core::PARSER_VERSION) " · 依据《政府信息公开条例》第四十九、五十条及国办公开办函〔2021〕30号格式 · " a href="/api/v1/openapi.json" { "JSON API" } }
                script src="/static/app.js" {}
            }
        }
    }
}

/// A page with a heading and one message (errors, confirmations).
pub(crate) fn message_page(title: &str, message: &str) -> Markup {
    page(
        title,
        "",
        html! { h1 { (title) } p.message { (message) } p { a href="/" { "返回首页" } } },
    )
}

/// An error as a page, with its status: the one error type of the web app ([`ApiError`])
/// is answered as JSON under `/api/` and as this page elsewhere.
pub(crate) fn error_page(e: ApiError) -> Response {
    let title = match (e.code, e.status) {
        ("invalid", _) => "无法保存",
        (_, status) => status_title(status),
    };
    (e.status, message_page(title, &e.message)).into_response()
}

fn status_title(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "文件过大",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "不支持的文件类型",
        StatusCode::UNPROCESSABLE_ENTITY => "未能识别为年报",
        StatusCode::NOT_FOUND => "找不到",
        StatusCode::FORBIDDEN => "不允许",
        s if s.is_client_error() => "请求有误",
        _ => "服务器出错",
    }
}

/// A page, or its error as a page.
pub(crate) fn or_page(r: Result<Markup, ApiError>) -> Response {
    match r {
        Ok(m) => m.into_response(),
        Err(e) => error_page(e),
    }
}
