//! A capture copied elsewhere and analyzed by an unprivileged user gives exactly
//! the output the recording user got on the original.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use super::common::*;

const TOOLS: &[&[&str]] = &[
    &["biolatency"],
    &["biolatency", "-D", "-F"],
    &["biosnoop"],
    &["bitesize"],
    &["biotop"],
    &["execsnoop", "-x"],
    &["exitsnoop", "-T"],
];

fn run_as(user: Option<u32>, exe: &std::path::Path, args: &[&str]) -> String {
    let mut cmd = match user {
        Some(uid) => {
            let mut c = Command::new("setpriv");
            c.args([
                format!("--reuid={uid}"),
                format!("--regid={uid}"),
                "--clear-groups".into(),
            ])
            .arg(exe);
            c
        }
        None => Command::new(exe),
    };
    let out = cmd.args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} as {user:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn copied_capture_analyzed_by_nobody_gives_identical_output() {
    if !bpf_or_skip("copied_capture_analyzed_by_nobody_gives_identical_output") {
        return;
    }
    let dir = scratch("copy");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let cap = dir.path().join("cap");
    record(
        &[
            "-d",
            "2s",
            "--workload",
            "disk",
            "-o",
            cap.to_str().unwrap(),
        ],
        0,
    );
    // The copy, owned by nobody, and the analyzer copied where nobody can run it.
    let copy = dir.path().join("elsewhere");
    let st = Command::new("cp")
        .arg("-a")
        .arg(&cap)
        .arg(&copy)
        .status()
        .unwrap();
    assert!(st.success());
    let st = Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(&copy)
        .status()
        .unwrap();
    assert!(st.success());
    let exe = dir.path().join("retrace");
    std::fs::copy(bin("retrace"), &exe).unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();

    for args in TOOLS {
        let mut a = vec![args[0], cap.to_str().unwrap()];
        a.extend_from_slice(&args[1..]);
        let original = run_as(None, &exe, &a);
        a[1] = copy.to_str().unwrap();
        let copied = run_as(Some(65534), &exe, &a);
        assert_eq!(
            original, copied,
            "{args:?} differs between original and copy"
        );
        assert!(!original.trim().is_empty(), "{args:?} printed nothing");
    }
}
