use crate::support::Project;

#[test]
fn gpt3_spec_locks() {
    let p = Project::fixture("gpt3");
    p.repo("repo");
    let (c, updates) = p.lock_ok("specs/gpt3-512xh200.run");
    assert_eq!(updates.len(), 2);
    println!("{}", c.render_warnings());
    println!("{}", p.read("lockfiles/gpt3-512xh200.lock"));
    println!("{}", p.read("lockfiles/gpt3-1024xh200.lock"));
}
