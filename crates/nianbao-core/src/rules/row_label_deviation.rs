use super::*;

rule! {
    /// ## 检查内容
    /// 表三的行标签与统一格式不一致（错字、漏字），但按模板的行序和标签的特征部分仍能确定是哪一行。
    ///
    /// ## 为什么
    /// 行标签是读者理解数字含义的唯一依据；标签写错的表格不符合统一格式，也容易被误读。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 统一格式规定了表三各行的标签文字。
    ///
    /// ## 错误示例
    /// `2.其他法律行政止公开`。
    ///
    /// ## 正确示例
    /// `2.其他法律行政法规禁止公开`。
    ///
    /// ## 如何修改
    /// 按统一格式改正行标签。
    RowLabelDeviation, "E0003", Warning, "表格行标签与统一格式不一致（已按行序识别）"
}

impl Rule for RowLabelDeviation {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        forward(cx, Self::META.code, out);
    }
}
