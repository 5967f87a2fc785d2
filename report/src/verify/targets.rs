/// The quality target a benchmark's `eval_accuracy` must reach (MLPerf Training 4.1, closed
/// division), drawn as the target line of the convergence plots.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QualityTarget {
    /// The target value.
    pub value: f64,
    /// True when lower is better (log perplexity, eval loss).
    pub lower_is_better: bool,
    /// What `eval_accuracy` measures for this benchmark.
    pub metric: &'static str,
}

/// The 4.1 targets (`docs/verify.md`; the rules summary lists them); `None` for a benchmark
/// without a single-metric target (stable diffusion has two).
pub fn quality_target(benchmark: &str) -> Option<QualityTarget> {
    let t = |value, lower_is_better, metric| {
        Some(QualityTarget {
            value,
            lower_is_better,
            metric,
        })
    };
    match benchmark {
        "gpt3" => t(2.69, true, "log perplexity"),
        "llama2_70b_lora" => t(0.925, true, "eval loss"),
        "bert" => t(0.720, false, "masked-LM accuracy"),
        "dlrm_dcnv2" => t(0.80275, false, "AUC"),
        "gnn" => t(0.72, false, "accuracy"),
        "ssd" | "retinanet" => t(0.340, false, "mAP"),
        "resnet" => t(0.759, false, "top-1 accuracy"),
        _ => None,
    }
}
