//! The schema: every field a `run` block knows, with its type and unit.
//!
//! The tables here are data, not code: the checker (`checker.rs`) walks a run's fields and
//! looks each one up. An unknown name is an error with a "did you mean" suggestion taken from
//! the same table, so adding a field here is all it takes to teach the compiler about it.

use crate::lockfile::Group;

/// What a field's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Str,
    /// An integer of at least 1.
    Count,
    /// An integer of at least 0.
    Natural,
    /// `true` or `false`.
    Bool,
    /// A duration with a unit (`3h`, `90s`).
    Duration,
    /// A size with a unit (`141GB`, `143771MiB`).
    Size,
    /// A percentage (`5%`).
    Percent,
    /// A name, bare or dotted (`mlperf.training.gpt3`), or a string.
    Name,
    /// One of a fixed set of names.
    OneOf(&'static [&'static str]),
    /// A path to a file, relative to the spec; the file is hashed into the lock.
    File,
    /// A string or a rate (`"infiniband"`, `400Gb/s`).
    StrOrRate,
    /// A list of strings (a command line, one word per element).
    Command,
    /// A nested block of string values (environment variables).
    Env,
    /// Any value (hyperparameters).
    Any,
}

impl Kind {
    /// How the expected type is named in an error ("expected a duration, e.g. `3h`").
    pub fn expected(self) -> String {
        match self {
            Kind::Str => "a string".into(),
            Kind::Count => "a whole number of at least 1".into(),
            Kind::Natural => "a whole number of at least 0".into(),
            Kind::Bool => "`true` or `false`".into(),
            Kind::Duration => "a duration, e.g. `3h`, `45min`, `90s`".into(),
            Kind::Size => "a size, e.g. `141GB` or `143771MiB`".into(),
            Kind::Percent => "a percentage, e.g. `5%`".into(),
            Kind::Name => "a name, e.g. `mlperf.training.gpt3`".into(),
            Kind::OneOf(names) => format!("one of {}", backticked(names)),
            Kind::File => "a file path (string)".into(),
            Kind::StrOrRate => "a string or a rate, e.g. `400Gb/s`".into(),
            Kind::Command => "a list of strings, e.g. `[\"python\", \"train.py\"]`".into(),
            Kind::Env => "a block of string values".into(),
            Kind::Any => "a value".into(),
        }
    }
}

fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One known field.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn req(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}

/// The executors a `launch` block can name (`launch slurm { ... }`).
pub const EXECUTORS: &[&str] = &[
    crate::executor_kind::ExecutorKind::Local.name(),
    crate::executor_kind::ExecutorKind::Slurm.name(),
];

/// The MLPerf divisions.
pub const DIVISIONS: &[&str] = &["closed", "open"];

/// Fields directly inside `run "NAME" { ... }` (blocks are listed in [`BLOCKS`]).
pub const RUN_FIELDS: &[Field] = &[
    opt("benchmark", Kind::Name),
    opt("division", Kind::OneOf(DIVISIONS)),
    req("runs", Kind::Count),
    opt("seed", Kind::Natural),
];

/// `hardware { ... }`.
pub const HARDWARE: &[Field] = &[
    // Required unless `gpus_per_node = 0` (a CPU-only run); see `checker::missing`.
    opt("gpu", Kind::Str),
    req("nodes", Kind::Count),
    req("gpus_per_node", Kind::Natural),
    opt("gpu_memory", Kind::Size),
    opt("driver", Kind::Str),
    opt("interconnect", Kind::StrOrRate),
    // Host CPU model as MLPerf system descriptions name it (`host_processor_model_name`).
    opt("cpu", Kind::Str),
];

/// `software { ... }`; sources are `source NAME = git(...)` lines.
pub const SOFTWARE: &[Field] = &[
    opt("cuda", Kind::Str),
    opt("nccl", Kind::Str),
    opt("container", Kind::Str),
];

/// `launch slurm { ... }` and `launch local { ... }`.
pub const LAUNCH: &[Field] = &[
    opt("partition", Kind::Str),
    opt("account", Kind::Str),
    opt("qos", Kind::Str),
    opt("time", Kind::Duration),
    // Ranks started per node; defaults to `hardware.gpus_per_node` (one rank per GPU).
    opt("ranks_per_node", Kind::Count),
    opt("exclusive", Kind::Bool),
    opt("constraint", Kind::Str),
    opt("script", Kind::File),
    opt("command", Kind::Command),
    opt("env", Kind::Env),
    // A declared `workload "NAME" { }` whose command and environment the run takes.
    opt("workload", Kind::Str),
];

/// `health { ... }`: the GPU health preflight. Every check is on unless turned off; the
/// defaults are [`crate::health_policy::HealthPolicy::default`].
pub const HEALTH: &[Field] = &[
    // A node below this fraction of its SKU's bandwidth envelope is refused.
    opt("fraction", Kind::Percent),
    opt("ecc", Kind::Bool),
    opt("row_remap", Kind::Bool),
    opt("clock_events", Kind::Bool),
    opt("pcie", Kind::Bool),
    opt("nvlink", Kind::Bool),
    opt("temperature", Kind::Bool),
    // Degrees Celsius; an idle GPU at the preflight above this is refused.
    opt("max_temperature", Kind::Natural),
    opt("power_limit", Kind::Bool),
    opt("bandwidth", Kind::Bool),
];

/// `scoring { ... }`.
pub const SCORING: &[Field] = &[req("tolerance", Kind::Percent)];

/// A block that may appear inside a run.
#[derive(Debug, Clone, Copy)]
pub struct BlockSchema {
    pub name: &'static str,
    pub fields: &'static [Field],
    /// Open blocks (hparams) accept any field name.
    pub open: bool,
    pub required: bool,
    /// The lock group its fields are written to.
    pub group: Group,
}

/// Blocks inside a run.
pub const BLOCKS: &[BlockSchema] = &[
    block("hardware", HARDWARE, false, true, Group::Hardware),
    block("software", SOFTWARE, false, false, Group::Software),
    block("hparams", &[], true, false, Group::Hparams),
    block("launch", LAUNCH, false, true, Group::Launch),
    block("scoring", SCORING, false, false, Group::Run),
    block("health", HEALTH, false, false, Group::Health),
];

const fn block(
    name: &'static str,
    fields: &'static [Field],
    open: bool,
    required: bool,
    group: Group,
) -> BlockSchema {
    BlockSchema {
        name,
        fields,
        open,
        required,
        group,
    }
}

/// Look up a block by name.
pub fn block_schema(name: &str) -> Option<&'static BlockSchema> {
    BLOCKS.iter().find(|b| b.name == name)
}

/// The block a known field name belongs to (`nodes` -> `hardware`), for "wrong place" errors.
pub fn home_block(name: &str) -> Option<&'static str> {
    BLOCKS
        .iter()
        .find(|b| b.fields.iter().any(|f| f.name == name))
        .map(|b| b.name)
}

/// Look up a field in a list.
pub fn field(fields: &'static [Field], name: &str) -> Option<&'static Field> {
    fields.iter().find(|f| f.name == name)
}

/// The closest known name, if it is close enough to be a likely typo
/// (Jaro-Winkler >= 0.8, or a small edit distance for short names).
pub fn suggest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(score, k)| *score >= 0.8 || strsim::levenshtein(name, k) <= 2)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = HARDWARE.iter().map(|f| f.name);
        assert_eq!(
            suggest("gpus_per_nod", names.clone()),
            Some("gpus_per_node")
        );
        assert_eq!(suggest("ndoes", names.clone()), Some("nodes"));
        assert_eq!(suggest("container_registry_mirror", names), None);
    }
}
