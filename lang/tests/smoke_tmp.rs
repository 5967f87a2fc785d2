#[test]
fn smoke() {
    for f in ["gpt3-512xh200", "rules", "reuse"] {
        let src = std::fs::read_to_string(format!("tests/fixtures/valid/{f}.run")).unwrap();
        match repro_lang::parse(repro_lang::FileId(0), &src) {
            Ok(m) => println!("{f}: {} items", m.items.len()),
            Err(e) => {
                let mut sm = repro_lang::SourceMap::new();
                sm.add(f, src.clone());
                panic!("{}", repro_lang::render_all(&e, &sm));
            }
        }
    }
}
