use std::fmt;

use super::{Paths, Script, SlurmError, SlurmRequest};

/// What `repro run SPEC --dry-run` prints for a Slurm plan: the script exactly as it would be
/// submitted, and the steps the runner would take. Nothing is written or submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct DryRun {
    pub script: String,
    pub steps: Vec<String>,
}

impl DryRun {
    pub fn new(request: &SlurmRequest, paths: &Paths) -> Result<DryRun, SlurmError> {
        let script = Script::render(request, paths)?;
        Ok(DryRun {
            steps: steps(request, paths, &script),
            script: script.text,
        })
    }
}

impl DryRun {
    /// The dry run of a locked plan: what `repro run PLAN --executor slurm --dry-run` prints.
    pub fn for_plan(plan: &crate::session::RunPlan, paths: &Paths) -> Result<DryRun, SlurmError> {
        DryRun::new(&SlurmRequest::from_plan(plan)?, paths)
    }
}

fn steps(request: &SlurmRequest, paths: &Paths, script: &Script) -> Vec<String> {
    let root = paths.run_root.display();
    vec![
        format!("create the run folder `{root}`"),
        format!(
            "submit `{}` with `sbatch --parsable`: one array job, {} task(s), one per run",
            script.path.display(),
            request.runs
        ),
        format!(
            "in each task: `srun` the preflight on all {} node(s); a node that drifts from the lock ends the task before the workload",
            request.nodes
        ),
        format!(
            "in each task: `srun` the workload, {} rank(s) per node, rank logs in `{root}/run-I/rank-R.log`",
            request.ranks_per_node
        ),
        "track: one `squeue` per poll for all runs; `scontrol show job` once per finished run for its exit code".to_string(),
        format!("record each run in `{root}/run-I/outcome.json` and score it as soon as it ends"),
    ]
}

impl fmt::Display for DryRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "# steps (dry run, nothing submitted)")?;
        for (i, step) in self.steps.iter().enumerate() {
            writeln!(f, "#  {}. {step}", i + 1)?;
        }
        writeln!(f)?;
        f.write_str(&self.script)
    }
}
