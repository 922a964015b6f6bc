//! Reports hidden inside a page: HTML carried in a JSON document or in a JavaScript
//! string literal (CMS pages that render the report client-side).

/// Phrases that show a string is the report itself.
const MARKERS: [&str; 4] = [
    "收到和处理政府信息公开申请",
    "主动公开政府信息情况",
    "政府信息公开工作年度报告",
    "本年新收",
];

fn looks_like_report(s: &str) -> bool {
    s.len() > 200 && MARKERS.iter().filter(|m| s.contains(*m)).count() >= 2
}

/// The longest string in a JSON document, or in a JavaScript string literal of a page,
/// that holds a report. `None` when there is none.
pub fn embedded_report(text: &str) -> Option<String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with(['{', '[']) {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(trimmed) {
            let mut best: Option<String> = None;
            walk_json(&v, &mut best, 0);
            if best.is_some() {
                return best;
            }
        }
    }
    js_literals(text)
        .into_iter()
        .filter(|s| looks_like_report(s))
        .max_by_key(String::len)
}

fn walk_json(v: &serde_json::Value, best: &mut Option<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        serde_json::Value::String(s)
            if looks_like_report(s) && best.as_ref().is_none_or(|b| s.len() > b.len()) =>
        {
            *best = Some(s.clone());
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| walk_json(x, best, depth + 1)),
        serde_json::Value::Object(o) => o.values().for_each(|x| walk_json(x, best, depth + 1)),
        _ => {}
    }
}

/// Decoded JavaScript string literals (`'…'`, `"…"`, `` `…` ``) longer than 200 bytes.
fn js_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if !matches!(c, '\'' | '"' | '`') {
            continue;
        }
        let quote = c;
        let mut s = String::new();
        let mut closed = false;
        while let Some((_, d)) = chars.next() {
            match d {
                '\\' => match chars.next().map(|(_, e)| e) {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => {}
                    Some('u') => {
                        let hex: String = (0..4)
                            .filter_map(|_| chars.next().map(|(_, h)| h))
                            .collect();
                        if let Some(ch) =
                            u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                        {
                            s.push(ch);
                        }
                    }
                    Some('x') => {
                        let hex: String = (0..2)
                            .filter_map(|_| chars.next().map(|(_, h)| h))
                            .collect();
                        if let Some(ch) =
                            u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                        {
                            s.push(ch);
                        }
                    }
                    Some(e) => s.push(e),
                    None => break,
                },
                d if d == quote => {
                    closed = true;
                    break;
                }
                // An ordinary string literal ends at a line break; a stray quote in
                // prose must not swallow the page.
                '\n' if quote != '`' => break,
                d => s.push(d),
            }
        }
        if closed && s.len() > 200 {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "<h1>某某区2024年政府信息公开工作年度报告</h1><p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>\
        <table><tr><td>一、本年新收政府信息公开申请数量</td><td>3</td></tr></table>";

    #[test]
    fn from_json_and_from_javascript() {
        let json = serde_json::json!({"code": 0, "data": {"title": "年报", "content": REPORT}})
            .to_string();
        assert_eq!(embedded_report(&json).as_deref(), Some(REPORT));
        let escaped = REPORT.replace('<', "\\u003c").replace('"', "\\\"");
        let page = format!("<html><body><div id=app></div><script>var doc = {{content: \"{escaped}\"}};</script></body></html>");
        assert_eq!(embedded_report(&page).as_deref(), Some(REPORT));
        assert_eq!(embedded_report("<p>没有报告</p>"), None);
    }
}
