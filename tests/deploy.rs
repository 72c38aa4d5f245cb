//! `deploy/`: the systemd unit has the settings a server needs (checked by
//! `systemd-analyze verify` where it is installed, and by reading its keys everywhere),
//! and the example settings name every variable the program reads, with values it takes.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The unit's (section, key, value) entries in order; a key may come more than once.
fn entries(unit: &str) -> Vec<(String, String, String)> {
    let mut section = String::new();
    let mut out = vec![];
    for (n, line) in unit.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("line {}: not KEY=VALUE: {line}", n + 1));
        assert!(
            !section.is_empty(),
            "line {}: a key before any section",
            n + 1
        );
        out.push((section.clone(), key.trim().into(), value.trim().into()));
    }
    out
}

fn values<'a>(e: &'a [(String, String, String)], section: &str, key: &str) -> Vec<&'a str> {
    e.iter()
        .filter(|(s, k, _)| s == section && k == key)
        .map(|(_, _, v)| v.as_str())
        .collect()
}

fn one<'a>(e: &'a [(String, String, String)], section: &str, key: &str) -> &'a str {
    match values(e, section, key)[..] {
        [v] => v,
        ref other => panic!("[{section}] {key}: expected once, found {other:?}"),
    }
}

#[test]
fn the_unit_runs_the_bot_sandboxed_with_its_state_and_settings() {
    let unit = read("deploy/touchpoints.service");
    let e = entries(&unit);
    let service = |key: &str| one(&e, "Service", key);

    assert_eq!(service("ExecStart"), "/usr/local/bin/touchpoints run");
    assert_eq!(service("DynamicUser"), "yes");
    assert_eq!(service("StateDirectory"), "touchpoints");
    assert_eq!(service("StateDirectoryMode"), "0700");
    assert_eq!(
        service("EnvironmentFile"),
        "/etc/touchpoints/touchpoints.env"
    );
    assert_eq!(service("UMask"), "0077");
    // Stopping and restarting as README describes.
    assert_eq!(service("KillSignal"), "SIGTERM");
    assert_eq!(service("Restart"), "on-failure");
    for key in ["TimeoutStopSec", "RestartSec"] {
        let secs: u32 = service(key).parse().expect(key);
        assert!((5..=120).contains(&secs), "{key}={secs}");
    }
    // The sandbox.
    for key in [
        "NoNewPrivileges",
        "ProtectHome",
        "PrivateTmp",
        "PrivateDevices",
        "ProtectKernelTunables",
        "ProtectKernelModules",
        "ProtectControlGroups",
        "RestrictNamespaces",
        "RestrictSUIDSGID",
        "LockPersonality",
        "MemoryDenyWriteExecute",
    ] {
        assert_eq!(service(key), "yes", "{key}");
    }
    assert_eq!(service("ProtectSystem"), "strict");
    let families: BTreeSet<&str> = service("RestrictAddressFamilies")
        .split_whitespace()
        .collect();
    assert_eq!(
        families,
        BTreeSet::from(["AF_INET", "AF_INET6", "AF_UNIX"]),
        "HTTPS out, a local port in, the resolver"
    );
    let filters = values(&e, "Service", "SystemCallFilter");
    assert!(filters.contains(&"@system-service"), "{filters:?}");
    assert_eq!(service("CapabilityBoundingSet"), "", "no capabilities");
    // Nothing writable but the state directory.
    for key in ["ReadWritePaths", "ReadWriteDirectories"] {
        assert!(values(&e, "Service", key).is_empty(), "{key}");
    }
    assert_eq!(one(&e, "Unit", "After"), "network-online.target");
    assert_eq!(one(&e, "Install", "WantedBy"), "multi-user.target");

    // The example settings put the data in that state directory.
    let env = read("deploy/touchpoints.env.example");
    let state = format!("/var/lib/{}/", service("StateDirectory"));
    for var in ["TOUCHPOINTS_DB", "TOUCHPOINTS_BACKUP_DIR"] {
        let line = env
            .lines()
            .find(|l| l.starts_with(&format!("{var}=")))
            .unwrap_or_else(|| panic!("{var} is not set in the example"));
        assert!(line.contains(&state), "{line}");
    }
}

/// `systemd-analyze verify` on a copy of the unit whose ExecStart is the binary just built
/// (it checks that the command exists): no error, and no word about the unit (an unknown
/// or misspelt key is only a warning to it). Skipped, saying so, where it is not installed.
#[test]
fn systemd_analyze_verify_finds_nothing_to_say() {
    let unit = read("deploy/touchpoints.service");
    let binary = env!("CARGO_BIN_EXE_touchpoints");
    assert!(unit.contains("ExecStart=/usr/local/bin/touchpoints "));
    let copy = unit.replace(
        "ExecStart=/usr/local/bin/touchpoints ",
        &format!("ExecStart={binary} "),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("touchpoints.service");
    std::fs::write(&path, copy).unwrap();
    let out = match Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .env("SYSTEMD_LOG_COLOR", "0")
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("systemd-analyze is not installed: the unit is checked by its keys only");
            return;
        }
        Err(e) => panic!("systemd-analyze: {e}"),
    };
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "systemd-analyze verify: {said}");
    let about_us: Vec<&str> = said.lines().filter(|l| l.contains("touchpoints")).collect();
    assert!(about_us.is_empty(), "systemd-analyze verify: {said}");
}

/// The variables `src/config.rs` reads (`env = "…"`).
fn variables_read() -> BTreeSet<String> {
    let src = read("src/config.rs");
    let vars: BTreeSet<String> = src
        .split("env = \"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect();
    assert!(vars.len() >= 15, "{vars:?}");
    vars
}

/// The example's `VARIABLE=value` lines, set or commented out: (name, value, set).
fn example_settings() -> Vec<(String, String, bool)> {
    read("deploy/touchpoints.env.example")
        .lines()
        .filter_map(|l| {
            let (set, l) = match l.strip_prefix('#') {
                Some(rest) => (false, rest),
                None => (true, l),
            };
            let (name, value) = l.split_once('=')?;
            let is_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            is_name.then(|| (name.to_string(), value.to_string(), set))
        })
        .collect()
}

#[test]
fn the_example_settings_name_every_variable_the_program_reads() {
    let read_by_program = variables_read();
    let example = example_settings();
    let listed: BTreeSet<String> = example.iter().map(|(n, _, _)| n.clone()).collect();
    let missing: Vec<_> = read_by_program.difference(&listed).collect();
    assert!(missing.is_empty(), "not in the example: {missing:?}");
    let unknown: Vec<_> = listed
        .difference(&read_by_program)
        .filter(|n| *n != "RUST_LOG")
        .collect();
    assert!(unknown.is_empty(), "read by nobody: {unknown:?}");
    // Each once; lines that are set have no blanks around `=` (systemd would keep them).
    for (name, value, set) in &example {
        assert_eq!(
            example.iter().filter(|(n, _, _)| n == name).count(),
            1,
            "{name} twice"
        );
        if *set {
            assert!(
                !value.is_empty() && value.trim() == value,
                "{name}={value:?}"
            );
        }
    }
    // README's table lists them too.
    let readme = read("README.md");
    for name in read_by_program
        .iter()
        .chain(["RUST_LOG".to_string()].iter())
    {
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "README's table lacks {name}"
        );
    }
}

/// Every value in the example, commented or not, is one the program takes: `check` reads
/// them all (nothing is created: the database and backup paths do not exist here).
#[test]
fn the_example_values_are_taken_by_the_program() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_touchpoints"));
    for (var, _) in std::env::vars() {
        if var.starts_with("TOUCHPOINTS_") || var.starts_with("TELOXIDE_") {
            cmd.env_remove(var);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state").join("touchpoints.db");
    let mut given = 0;
    for (name, value, _) in example_settings() {
        if value.is_empty() {
            continue;
        }
        let value = if name == "TOUCHPOINTS_DB" {
            db.to_string_lossy().into_owned()
        } else {
            value
        };
        cmd.env(name, value);
        given += 1;
    }
    assert!(given >= 15, "{given}");
    let out = cmd
        .current_dir(dir.path())
        .args(["check", "--offline"])
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The placeholder token and the missing files are warnings; nothing is a problem.
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains(&format!("database {}", db.display())),
        "{said}"
    );
    assert!(
        said.contains("webhook at https://bot.example.org/telegram"),
        "{said}"
    );
    assert!(
        said.contains("backups: into /var/lib/touchpoints/backups"),
        "{said}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{said}");
}
