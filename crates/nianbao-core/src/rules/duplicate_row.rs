use super::*;

rule! {
    /// ## 检查内容
    /// 表三的同一行在表中出现了不止一次（例如分页时重复了数据行）。只采用第一次出现的数值。
    ///
    /// ## 为什么
    /// 重复的行让读者无法确定哪一组数字有效。
    ///
    /// ## 依据
    /// 国办公开办函〔2021〕30号 统一格式：表三每行只出现一次。
    ///
    /// ## 错误示例
    /// 表中两次出现 `（一）予以公开` 行。
    ///
    /// ## 正确示例
    /// 每行只出现一次。
    ///
    /// ## 如何修改
    /// 删除重复的行，或改正写错的行标签。
    DuplicateRow, "E0005", Warning, "表格中同一行出现多次"
}

impl Rule for DuplicateRow {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        forward(cx, Self::META.code, out);
    }
}
