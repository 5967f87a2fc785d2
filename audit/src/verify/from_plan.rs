//! `Pins::from_plan`: what `repro verify --spec` holds a published result against, taken from
//! the compiler's plan. Every pin keeps the `file:line` of the spec value it came from.

use repro_compiler::lockfile::Group;
use repro_compiler::plan::Plan;
use repro_lang::SourceMap;
use serde_json::Value;

use super::{Pin, Pins};

impl Pins {
    pub fn from_plan(plan: &Plan, sources: &SourceMap) -> Pins {
        let pins = plan.pins();
        let pin = |field: &str, value: String| at(plan, sources, field, value);
        let text = |field: &str, value: &Option<String>| value.clone().map(|v| pin(field, v));
        let count = |field: &str, n: i64| {
            let n = u64::try_from(n).ok().filter(|n| *n > 0)?;
            Some(at(plan, sources, field, n))
        };
        Pins {
            gpu_model: (!pins.gpu.is_empty()).then(|| pin("hardware.gpu", pins.gpu.clone())),
            gpus_per_node: count("hardware.gpus_per_node", pins.gpus_per_node),
            nodes: count("hardware.nodes", pins.nodes),
            driver: text("hardware.driver", &pins.driver),
            cuda: text("software.cuda", &pins.cuda),
            nccl: text("software.nccl", &pins.nccl),
            hparams: plan
                .lock
                .group(Group::Hparams)
                .iter()
                .map(|(key, v)| {
                    let value: Value = v.to_json();
                    (
                        key.clone(),
                        at(plan, sources, &format!("hparams.{key}"), value),
                    )
                })
                .collect(),
        }
    }
}

fn at<T>(plan: &Plan, sources: &SourceMap, field: &str, value: T) -> Pin<T> {
    Pin {
        value,
        spec_location: location(plan, sources, field),
    }
}

fn location(plan: &Plan, sources: &SourceMap, field: &str) -> String {
    let span = plan.span_of(field);
    let Some(file) = sources.get(span.file) else {
        return field.to_string();
    };
    let at = file.line_col(span.start as usize);
    format!("{}:{}", file.path.display(), at.line)
}
