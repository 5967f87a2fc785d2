//! JUnit XML through `quick-junit`: one suite per command, one test case per plan or
//! benchmark, the failure message on failed cases.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::ReportError;

/// One test case: a name, a class name, and a failure (message, details) when it failed;
/// `skipped` marks cases that were not checked.
pub struct Case {
    pub name: String,
    pub classname: String,
    pub failure: Option<(String, String)>,
    pub skipped: Option<String>,
    pub output: String,
}

/// The XML of one report holding one suite named `suite`.
pub fn render(report: &str, suite: &str, cases: Vec<Case>) -> Result<String, ReportError> {
    let mut ts = TestSuite::new(suite);
    for c in cases {
        let status = match (c.failure, c.skipped) {
            (Some((message, details)), _) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(message).set_description(details);
                s
            }
            (None, Some(why)) => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(why);
                s
            }
            (None, None) => TestCaseStatus::success(),
        };
        let mut tc = TestCase::new(c.name, status);
        tc.set_classname(c.classname);
        if !c.output.is_empty() {
            tc.set_system_out(c.output);
        }
        ts.add_test_case(tc);
    }
    let mut r = Report::new(report);
    r.add_test_suite(ts);
    r.to_string().map_err(|e| ReportError::Junit(e.to_string()))
}
