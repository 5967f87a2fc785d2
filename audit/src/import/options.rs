//! `ImportOptions`: what `repro import` is told besides the folder.

/// Options of one import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Force the round (`4.1` or `mlperf-training-4.1`) instead of telling it from the path.
    pub round: Option<String>,
    /// The results repository's full commit id, pinned as the spec's `training` source.
    pub commit: Option<String>,
    /// The run's name; default `<submitter>-<system>-<benchmark>`, lower-case.
    pub name: Option<String>,
    /// Path from the written spec's folder to the repository's `specs/` folder, with a
    /// trailing `/` (empty when the spec is written into `specs/`): prefixes the `use` lines.
    pub specs_prefix: String,
    /// Hparams the logs do not report, given by the user (`--hparam KEY=VALUE`: the launch
    /// layout an implementation mapping needs, from the submission's `config_*.sh`), as
    /// `(key, spec literal)`; written under a comment that says so.
    pub given_hparams: Vec<(String, String)>,
}
