use std::collections::BTreeMap;

use serde::Serialize;

/// One pinned value that differs between two results' hardware or software groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupDifference {
    /// `hardware.gpu`, `software.nccl`, ...
    pub field: String,
    pub current: Option<String>,
    pub baseline: Option<String>,
}

impl std::fmt::Display for GroupDifference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
        write!(
            f,
            "`{}`: {} (baseline {})",
            self.field,
            show(&self.current),
            show(&self.baseline)
        )
    }
}

impl GroupDifference {
    /// Differences between two maps of one group, in key order.
    pub fn between(
        group: &str,
        current: &BTreeMap<String, String>,
        baseline: &BTreeMap<String, String>,
    ) -> Vec<GroupDifference> {
        let mut keys: Vec<&String> = current.keys().chain(baseline.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter(|k| current.get(*k) != baseline.get(*k))
            .map(|k| GroupDifference {
                field: format!("{group}.{k}"),
                current: current.get(k).cloned(),
                baseline: baseline.get(k).cloned(),
            })
            .collect()
    }
}
