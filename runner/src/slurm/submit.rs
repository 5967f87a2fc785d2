use std::path::Path;

use super::atomic::write_json;
use super::{Paths, RunFolder, RunState, Script, SlurmCli, SlurmError, SlurmRequest};

/// Renders and submits all runs of `request` as one job array, into `folder`.
///
/// Why an array and not a dependency chain: one `sbatch` call whatever `runs` is (so the time
/// to submission stays that of one bare `sbatch`), runs are independent (a failed run does not
/// stop the others, as MLPerf requires), they can run side by side when the cluster has room,
/// and one `squeue -j JOB -r` lists them all.
///
/// Speed: `sbatch` is started first and the folder is created and the script rendered while
/// it loads, then fed through its stdin, so that work hides behind sbatch's start-up. Only what the job itself reads
/// (the folder, for Slurm's output file) exists before the script reaches sbatch; the pins
/// travel inside the script. `state.json` is written
/// atomically as soon as the id is known.
pub fn submit(
    request: &SlurmRequest,
    folder: &RunFolder,
    repro: &Path,
    cli: &dyn SlurmCli,
) -> Result<RunState, SlurmError> {
    // Before anything is created: the plan name is part of the folder's path.
    request.validate()?;
    let paths = Paths {
        run_root: absolute(&folder.root)?,
        repro: absolute(repro)?,
    };
    let mut rendered = None;
    let mut render = || {
        create_dir(&folder.root)?;
        let script = Script::render(request, &paths)?;
        rendered = Some(script.clone());
        Ok(script.text)
    };
    let job_id = cli.sbatch(&mut render)?;
    let state = RunState::submitted(&request.plan, &job_id, &request.seeds);
    state.save(folder)?;
    write_json(&folder.request(), request)?;
    if let Some(script) = rendered {
        write_plain(&script.path, script.text.as_bytes())?;
    }
    Ok(state)
}

fn create_dir(path: &Path) -> Result<(), SlurmError> {
    std::fs::create_dir_all(path).map_err(|source| SlurmError::Write {
        path: path.to_path_buf(),
        error: source,
    })
}

fn write_plain(path: &Path, bytes: &[u8]) -> Result<(), SlurmError> {
    std::fs::write(path, bytes).map_err(|source| SlurmError::Write {
        path: path.to_path_buf(),
        error: source,
    })
}

/// The nodes run the script from another working directory: every path in it is absolute.
fn absolute(path: &Path) -> Result<std::path::PathBuf, SlurmError> {
    std::path::absolute(path).map_err(|source| SlurmError::Read {
        path: path.to_path_buf(),
        error: source,
    })
}
