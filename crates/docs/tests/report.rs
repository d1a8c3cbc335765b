//! A report typeset to PDF and read back out with poppler's `pdftotext` and `pdfinfo`.

use hearth_docs::{Child, Report, Section, Signature, report_pdf};

fn report(withheld_from: Option<&str>) -> Report {
    Report {
        title: "Section 7 report".into(),
        court: "Bristol Civil and Family Justice Centre".into(),
        court_case_number: "BS26P01234".into(),
        reference: "HRT-2026-000123".into(),
        children: vec![
            Child { name: "Isabella Mahmood".into(), date_of_birth: "4 May 2019".into() },
            Child { name: "Yusuf Mahmood".into(), date_of_birth: "17 January 2022".into() },
        ],
        hearing: Some("Dispute resolution appointment on 4 December 2026".into()),
        filing_date: Some("20 November 2026".into()),
        author: "Wil Worker".into(),
        team: "Bristol Private Law 1".into(),
        sections: vec![
            Section { heading: "The child's wishes and feelings".into(), text: "Isabella said she wants to see Dad *every* weekend.\n\nShe used the worry meter: #3 of 5 = \"a bit\".".into() },
            Section { heading: "Recommendation".into(), text: "A child arrangements order for alternate weekends.".into() },
        ],
        signature: Signature { name: "Wil Worker".into(), role: "Family Court Adviser".into(), date: "20 November 2026".into() },
        withheld_from: withheld_from.map(str::to_string),
        draft: false,
    }
}

fn poppler(tool: &str, pdf: &[u8]) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("hearth-docs-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut cmd = std::process::Command::new(tool);
    if tool == "pdftotext" {
        cmd.args([path.to_str().unwrap(), "-"]);
    } else {
        cmd.arg(&path);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_report_reads_back_with_its_header_children_sections_and_signature() {
    let pdf = report_pdf(&report(None)).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = poppler("pdftotext", &pdf);
    for expected in [
        "Section 7 report",
        "Bristol Civil and Family Justice Centre",
        "BS26P01234",
        "HRT-2026-000123",
        "Isabella Mahmood",
        "4 May 2019",
        "Yusuf Mahmood",
        "17 January 2022",
        "Dispute resolution appointment on 4 December 2026",
        "1. The child's wishes and feelings",
        "2. Recommendation",
        "Family Court Adviser",
        "Page 1 of",
    ] {
        assert!(text.contains(expected), "{expected:?} is missing from:\n{text}");
    }
    assert!(text.contains("*every*") && text.contains("#3 of 5 = "), "what was typed is set as text, never read as markup:\n{text}");
    assert!(!text.contains("Withheld"), "nothing is marked withheld unless it is");
    let info = poppler("pdfinfo", &pdf);
    assert!(info.lines().any(|l| l.starts_with("Tagged:") && l.ends_with("yes")), "a tagged, accessible PDF:\n{info}");
    assert!(info.contains("Section 7 report — HRT-2026-000123"), "with its title:\n{info}");
}

#[test]
fn a_report_withheld_from_a_party_says_so_and_the_same_report_gives_the_same_bytes() {
    let pdf = report_pdf(&report(Some("Mr Tariq Mahmood"))).unwrap();
    let text = poppler("pdftotext", &pdf);
    assert!(text.contains("Withheld from Mr Tariq Mahmood."), "{text}");
    assert_eq!(pdf, report_pdf(&report(Some("Mr Tariq Mahmood"))).unwrap(), "rendering is deterministic, so a filed report's SHA-256 names it");
}

#[test]
fn a_draft_says_so_on_every_page_and_a_filed_report_nowhere() {
    let mut long = report(None);
    long.sections[0].text = vec!["Isabella spoke about her week at each home, the walk to school and the football on Saturdays."; 120].join("\n\n");
    let filed = poppler("pdftotext", &report_pdf(&long).unwrap());
    assert!(!filed.contains("DRAFT"), "a filed report is not marked");
    long.draft = true;
    let pdf = report_pdf(&long).unwrap();
    let pages: usize = poppler("pdfinfo", &pdf).lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert!(pages >= 2, "long enough to need more than one page");
    let text = poppler("pdftotext", &pdf);
    assert_eq!(text.matches("DRAFT - not filed").count(), pages, "every page says so:\n{text}");
}
