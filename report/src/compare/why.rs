//! The sentences that say why: where the claim sits against the interval, and which part of
//! the speed-up (throughput or convergence) carries it.

use repro_audit::verify::{ClaimVerdict, CompareReport};

use crate::units::{interval, percent_faster, ratio};

/// `claim 28.0 % faster (1.280x): inconclusive: the 95 % interval of the speed-up
/// [1.221x, 1.346x] contains the claimed 1.280x` (`None` without a claim).
pub fn claim_sentence(r: &CompareReport) -> Option<String> {
    let (c, v) = (r.claim?, r.verdict?);
    let s = &r.parts[0].ci;
    let level = format!("{:.0} %", r.level * 100.0);
    let iv = interval(s.low, s.high);
    let why = match v {
        ClaimVerdict::Supported => format!(
            "the whole {level} interval of the speed-up {iv} is at or above the claimed {}",
            ratio(c)
        ),
        ClaimVerdict::NotSupported => format!(
            "the whole {level} interval of the speed-up {iv} is below the claimed {}",
            ratio(c)
        ),
        ClaimVerdict::Inconclusive => format!(
            "the {level} interval of the speed-up {iv} contains the claimed {}: more runs would narrow it",
            ratio(c)
        ),
    };
    Some(format!(
        "claim {} faster ({}): {}: {why}",
        percent_faster(c),
        ratio(c),
        super::verdict_word(v)
    ))
}

/// Which part carries the speed-up: `most of the 28.4 % comes from converging in fewer
/// samples (1.206x), not from throughput (1.064x)`.
pub fn attribution(r: &CompareReport) -> String {
    let (s, t, c) = (
        r.parts[0].ci.estimate,
        r.parts[1].ci.estimate,
        r.parts[2].ci.estimate,
    );
    let (lt, lc) = (t.ln(), c.ln());
    let thr = format!("throughput ({})", ratio(t));
    let conv_word = if c >= 1.0 {
        "converging in fewer samples"
    } else {
        "converging in more samples"
    };
    let conv = format!("{conv_word} ({})", ratio(c));
    let total = if s >= 1.0 {
        format!("the {} speed-up", percent_faster(s))
    } else {
        format!("the {:.1} % slow-down", (1.0 - s) * 100.0)
    };
    let same_sign = (lt >= 0.0) == (lc >= 0.0);
    if !same_sign {
        let (helps, hurts) = if (lt >= 0.0) == (s >= 1.0) {
            (thr, conv)
        } else {
            (conv, thr)
        };
        return format!("{total} comes from {helps}, partly undone by {hurts}");
    }
    if lt.abs() + lc.abs() < 1e-12 {
        return "A and B are equally fast in both parts".into();
    }
    let share_conv = lc.abs() / (lt.abs() + lc.abs());
    let part_significant = |i: usize| {
        let ci = &r.parts[i].ci;
        ci.low > 1.0 || ci.high < 1.0
    };
    let note = |i: usize| {
        if part_significant(i) {
            ""
        } else {
            ", whose interval includes 1.000x"
        }
    };
    if share_conv >= 0.5 {
        format!(
            "most of {total} ({:.0} % on a log scale) comes from {conv}, not from {thr}{}",
            share_conv * 100.0,
            note(1)
        )
    } else {
        format!(
            "most of {total} ({:.0} % on a log scale) comes from {thr}, not from {conv}{}",
            (1.0 - share_conv) * 100.0,
            note(2)
        )
    }
}
