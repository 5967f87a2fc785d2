//! `workload "NAME" { }`: declared once in a file that specs `use`, taken by
//! `launch { workload = "NAME" }`, evaluated with each run's (and sweep point's) hparams.

use crate::support::Project;

const IMPL: &str = r#"
workload "trainer" {
  command = ["./run_and_time.sh"]
  env {
    MINIBS = "${global_batch_size / (nodes * gpus_per_node)}"
    LR = "${opt_base_learning_rate}"
  }
}
"#;

fn spec(launch_extra: &str, body_extra: &str) -> String {
    format!(
        r#"use "impl.run"

run "job" {{
  benchmark = repro.smoke_sgd
  division = open
  hardware {{
    nodes = 2
    gpus_per_node = 0
  }}
  hparams {{
    global_batch_size = 512
    opt_base_learning_rate = 2e-5
  }}
  launch slurm {{
    workload = "trainer"
{launch_extra}  }}
  runs = 1
{body_extra}}}
"#
    )
}

fn launch_of(p: &Project, lock: &str) -> String {
    let text = p.read(lock);
    let start = text.find("[launch]").expect("a launch group");
    text[start..].to_string()
}

#[test]
fn a_run_takes_the_workloads_command_and_env_from_its_own_hparams() {
    // gpus_per_node = 0 would divide by zero: the CPU variant says one rank per node.
    let impl_cpu = IMPL.replace("(nodes * gpus_per_node)", "nodes");
    let p = Project::new()
        .file("impl.run", &impl_cpu)
        .file("job.run", &spec("", ""));
    p.lock_ok("job.run");
    insta::assert_snapshot!("workload_launch", launch_of(&p, "lockfiles/job.lock"));
}

#[test]
fn the_runs_own_launch_fields_win_over_the_workloads() {
    let impl_cpu = IMPL.replace("(nodes * gpus_per_node)", "nodes");
    let p = Project::new().file("impl.run", &impl_cpu).file(
        "job.run",
        &spec(
            "    command = [\"./other.sh\"]\n    env {\n      LR = \"1\"\n    }\n",
            "",
        ),
    );
    p.lock_ok("job.run");
    let launch = launch_of(&p, "lockfiles/job.lock");
    assert!(launch.contains("command = [\"./other.sh\"]"), "{launch}");
    assert!(launch.contains("LR = \"1\""), "{launch}");
    assert!(launch.contains("MINIBS = \"256\""), "{launch}");
}

#[test]
fn each_sweep_point_gets_its_own_values() {
    let impl_cpu = IMPL.replace("(nodes * gpus_per_node)", "nodes");
    let p = Project::new()
        .file("impl.run", &impl_cpu)
        .file("job.run", &spec("", "  sweep nodes in [1, 4]\n"));
    p.lock_ok("job.run");
    let one = launch_of(&p, "lockfiles/job.nodes-1.lock");
    let four = launch_of(&p, "lockfiles/job.nodes-4.lock");
    assert!(one.contains("MINIBS = \"512\""), "{one}");
    assert!(four.contains("MINIBS = \"128\""), "{four}");
}

#[test]
fn an_unknown_workload_is_an_error_with_did_you_mean() {
    let p = Project::new().file("impl.run", IMPL).file(
        "job.run",
        &spec("", "").replace("workload = \"trainer\"", "workload = \"trainr\""),
    );
    insta::assert_snapshot!("unknown_workload", p.lock_err("job.run"));
}

#[test]
fn a_workload_declared_twice_is_an_error() {
    let impl_cpu = IMPL.replace("(nodes * gpus_per_node)", "nodes");
    let p = Project::new()
        .file("impl.run", &format!("{impl_cpu}\n{impl_cpu}"))
        .file("job.run", &spec("", ""));
    insta::assert_snapshot!("workload_twice", p.lock_err("job.run"));
}

#[test]
fn an_hparam_the_workload_needs_and_the_run_lacks_points_at_both() {
    let impl_cpu = IMPL
        .replace("(nodes * gpus_per_node)", "nodes")
        .replace("LR = ", "CP = \"${context_parallel}\"\n    LR = ");
    let p = Project::new()
        .file("impl.run", &impl_cpu)
        .file("job.run", &spec("", ""));
    insta::assert_snapshot!("workload_needs_an_hparam", p.lock_err("job.run"));
}

#[test]
fn whole_refuses_a_division_that_does_not_come_out_even() {
    let impl_whole = IMPL.replace(
        "\"${global_batch_size / (nodes * gpus_per_node)}\"",
        "\"${whole(global_batch_size / nodes)}\"",
    );
    assert!(impl_whole.contains("whole("));
    let even = Project::new()
        .file("impl.run", &impl_whole)
        .file("job.run", &spec("", ""));
    even.lock_ok("job.run");
    assert!(launch_of(&even, "lockfiles/job.lock").contains("MINIBS = \"256\""));
    let uneven = Project::new()
        .file("impl.run", &impl_whole)
        .file("job.run", &spec("", "").replace("nodes = 2", "nodes = 3"));
    insta::assert_snapshot!("whole_uneven", uneven.lock_err("job.run"));
}
