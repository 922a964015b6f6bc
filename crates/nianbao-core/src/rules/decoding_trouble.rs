use super::*;
use crate::decode::{mojibake_ratio, Decoded};

rule! {
    /// ## 检查内容
    /// 文件解码时出现无法识别的字节（替换为 �），或解码后的文字呈现典型的乱码特征
    /// （如 UTF-8 文本被当作 GBK 读取后出现的“鍙戝竷”“鏀垮簻”一类字符）。
    ///
    /// ## 为什么
    /// 乱码会让标签和数字无法识别，后续所有检查都不可靠。网页抓取时编码声明错误是最常见的原因。
    ///
    /// ## 依据
    /// 《政府信息公开条例》第五十条要求年度报告内容准确；无法正确读取的文本无法核对。
    ///
    /// ## 错误示例
    /// `鏀垮簻淇℃伅鍏紑宸ヤ綔骞村害鎶ュ憡`（UTF-8 字节按 GBK 解码）。
    ///
    /// ## 正确示例
    /// `政府信息公开工作年度报告`。
    ///
    /// ## 如何修改
    /// 以正确的编码重新保存或抓取文件（网页应以 `<meta charset>` 声明的编码读取）。
    DecodingTrouble, "E0001", Warning, "文件编码无法正确识别（乱码或无效字节）"
}

impl DecodingTrouble {
    fn run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        forward(cx, Self::META.code, out);
    }
}

pub(super) fn findings(decoded: &Decoded, _report: &Report) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if decoded.replacements > 0 {
        out.push(
            Diagnostic::new(
                DecodingTrouble::META.code,
                Severity::Warning,
                format!(
                    "按 {} 解码时有 {} 处无效字节被替换",
                    decoded.encoding, decoded.replacements
                ),
            )
            .help("确认文件的实际编码（UTF-8 或 GB18030/GBK），以正确的编码重新保存"),
        );
    }
    let ratio = mojibake_ratio(&decoded.text);
    if ratio > 0.15 {
        out.push(
            Diagnostic::new(
                DecodingTrouble::META.code,
                Severity::Warning,
                format!(
                    "文本疑似乱码（{:.0}% 的汉字是常见乱码字符），可能以错误的编码抓取或保存",
                    ratio * 100.0
                ),
            )
            .help("以正确的编码重新抓取或保存原文件"),
        );
    }
    out
}
