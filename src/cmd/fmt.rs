use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Spec files
    #[arg(required = true)]
    pub files: Vec<std::path::PathBuf>,
}

pub fn run(_args: Args) -> anyhow::Result<Exit> {
    anyhow::bail!("the spec language is being built (issue 2)")
}
