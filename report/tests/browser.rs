//! Every HTML report opened in a real browser (headless Chromium): the page loads with no
//! failed request, every SVG is in the DOM after load and draws something (the screenshot
//! differs from the same page without its SVGs). Screenshots are kept under
//! `target/tmp/report-html/`. Skipped with a printed `SKIPPED` when Chromium is absent
//! (`scripts/setup.sh` installs Debian's `chromium`; CI has it).

mod support;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use repro_report::Format;
use repro_runner::report::ResultReport;

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH")?
                .to_str()?
                .split(':')
                .map(|d| Path::new(d).join(name))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        println!("SKIPPED: chromium is not installed (scripts/setup.sh installs it)");
    }
    found
}

/// Runs headless Chromium on `page` with a fresh profile; `what` is `--dump-dom` or
/// `--screenshot=FILE`. Returns stdout and stderr.
fn browse(browser: &Path, page: &Path, what: &str) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--disable-dev-shm-usage",
            "--window-size=1280,1400",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(what)
        .arg(format!("file://{}", page.display()))
        .stdout(std::fs::File::create(profile.path().join("stdout")).unwrap())
        .stderr(std::fs::File::create(profile.path().join("stderr")).unwrap())
        // its own process group: Chromium's shutdown must not reach the test
        .process_group(0)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish {} in 90 s", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = child.wait().unwrap();
    let read = |f: &str| {
        String::from_utf8_lossy(&std::fs::read(profile.path().join(f)).unwrap()).into_owned()
    };
    let (stdout, stderr) = (read("stdout"), read("stderr"));
    assert!(
        status.success(),
        "chromium failed on {}:\n{stderr}",
        page.display()
    );
    (stdout, stderr)
}

fn pages(dir: &Path) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    let store = dir.join("store");
    let (cur, _, diff) = support::two_results(&store, 1.5);
    pages.push((
        "run".into(),
        repro_report::run::render(
            &ResultReport::new(&cur, Some(diff.clone())),
            Format::Html,
            None,
        )
        .unwrap(),
    ));
    pages.push((
        "diff".into(),
        repro_report::diff::render(&diff, Format::Html).unwrap(),
    ));
    if let Some(f) = support::fixtures() {
        let opts = repro_audit::verify::VerifyOptions {
            ruleset: "mlperf-training-4.1".into(),
            spec: None,
        };
        let folder = f.join("Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora");
        let v = repro_audit::verify::verify(&[folder], &opts).unwrap();
        pages.push((
            "verify".into(),
            repro_report::verify::render(&v, Format::Html, None).unwrap(),
        ));
        let side = |p: &str| {
            repro_audit::verify::Side::from_folder(&f.join(p), "mlperf-training-4.1").unwrap()
        };
        let c = repro_audit::verify::compare(
            side("Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora"),
            side("Oracle/results/512xBM.GPU.H100.8/llama2_70b_lora"),
            Some(1.28),
        )
        .unwrap();
        pages.push((
            "compare".into(),
            repro_report::compare::render(&c, Format::Html, None).unwrap(),
        ));
    }
    pages
}

#[test]
fn every_html_report_loads_and_draws_its_plots_in_chromium() {
    let Some(browser) = chromium() else {
        return;
    };
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-html");
    std::fs::create_dir_all(&out).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    for (name, html) in pages(scratch.path()) {
        let page = out.join(format!("{name}.html"));
        std::fs::write(&page, &html).unwrap();
        let svgs = support::svgs(&html).len();
        assert!(svgs > 0, "{name} has plots");
        let (dom, log) = browse(&browser, &page, "--dump-dom");
        for bad in ["Failed to load", "net::ERR_", "Uncaught", "Refused to"] {
            assert!(
                !log.contains(bad),
                "{name}: `{bad}` in the browser log:\n{log}"
            );
        }
        // the DOM after load holds every SVG with its drawn elements
        assert_eq!(
            dom.matches("<svg ").count(),
            svgs,
            "{name}: svgs in the DOM"
        );
        assert!(dom.contains("</html>"));
        for kind in ["<polyline", "<circle", "<line"] {
            assert_eq!(
                dom.matches(kind).count(),
                html.matches(kind).count(),
                "{name}: {kind}"
            );
        }
        // the plots draw: the same page with every SVG emptied (same size, same layout)
        // gives another, plainer screenshot
        let shot = out.join(format!("{name}.png"));
        browse(&browser, &page, &format!("--screenshot={}", shot.display()));
        let bare = out.join(format!("{name}-without-svg.html"));
        let mut stripped = String::new();
        let mut rest = html.as_str();
        while let Some(a) = rest.find("<svg ") {
            let open_end = a + rest[a..].find('>').unwrap() + 1;
            let close = rest.find("</svg>").unwrap();
            stripped.push_str(&rest[..open_end]);
            rest = &rest[close..];
        }
        stripped.push_str(rest);
        std::fs::write(&bare, stripped).unwrap();
        let bare_shot = out.join(format!("{name}-without-svg.png"));
        browse(
            &browser,
            &bare,
            &format!("--screenshot={}", bare_shot.display()),
        );
        let (with, without) = (
            std::fs::read(&shot).unwrap(),
            std::fs::read(&bare_shot).unwrap(),
        );
        assert!(with.starts_with(b"\x89PNG") && without.starts_with(b"\x89PNG"));
        assert_ne!(with, without, "{name}: the SVGs change what is drawn");
        assert!(
            with.len() > without.len(),
            "{name}: the plots add detail to the screenshot"
        );
        println!("{name}: {} svg, screenshot {}", svgs, shot.display());
    }
}
