//! The file's entries against the Registry the database holds: what applying the file adds,
//! brings back, changes and removes. Pure: the database's side comes in as values.

use std::collections::{HashMap, HashSet};

use super::{Entry, Existing, Plan, Update};
use crate::db::divisions::name_key;

/// Compares the file's entries with the Registry held (`existing`: every process with a
/// code, removed ones included) and the names of the divisions that exist (in use or
/// retired: a retired one named again is brought back, not duplicated).
pub fn plan(entries: &[Entry], existing: &[Existing], divisions: &[String]) -> Plan {
    let by_code: HashMap<&str, &Existing> = existing.iter().map(|e| (e.code.as_str(), e)).collect();
    let mut known_divisions: HashSet<String> = divisions.iter().map(|d| name_key(d)).collect();
    let mut p = Plan::default();
    for e in entries {
        match by_code.get(e.code.as_str()) {
            None => p.added.push(e.clone()),
            Some(old) => {
                let u = Update {
                    old: (*old).clone(),
                    new: e.clone(),
                };
                if old.removed {
                    p.returned.push(u);
                } else if u.renamed()
                    || u.kind_changed()
                    || u.direction_changed()
                    || u.division_changed()
                {
                    p.updated.push(u);
                } else {
                    p.unchanged += 1;
                }
            }
        }
        if known_divisions.insert(name_key(&e.division)) {
            p.new_divisions.push(e.division.clone());
        }
    }
    let in_file: HashSet<&str> = entries.iter().map(|e| e.code.as_str()).collect();
    p.removed = existing
        .iter()
        .filter(|e| !e.removed && !in_file.contains(e.code.as_str()))
        .cloned()
        .collect();
    p
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{entry, existing};
    use super::*;

    #[test]
    fn the_plan_names_what_is_added_renamed_moved_returned_and_removed() {
        let have = vec![
            existing(1, "Ф-1", "Один", "Отдел", false),
            existing(2, "Ф-2", "Два", "Отдел", false),
            existing(3, "Ф-3", "Три", "Отдел", false),
            existing(4, "Ф-4", "Четыре", "Отдел", true),
            existing(5, "Ф-5", "Пять", "Отдел", false),
        ];
        let file = vec![
            entry("Ф-1", "Один", "отдел"),
            entry("Ф-2", "Два (новое имя)", "Отдел"),
            entry("Ф-4", "Четыре", "Отдел"),
            entry("Ф-5", "Пять", "Новый отдел"),
            entry("Ф-6", "Шесть", "Новый  отдел"),
        ];
        let p = plan(&file, &have, &["Отдел".into()]);
        assert_eq!(p.unchanged, 1);
        assert_eq!(
            p.added.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(),
            ["Ф-6"]
        );
        assert_eq!(p.returned.len(), 1);
        assert_eq!(p.returned[0].old.function_id, 4);
        assert_eq!(p.updated.len(), 2);
        assert!(p.updated[0].renamed() && !p.updated[0].division_changed());
        assert!(p.updated[1].division_changed() && !p.updated[1].renamed());
        assert_eq!(
            p.removed.iter().map(|e| e.function_id).collect::<Vec<_>>(),
            [3]
        );
        assert_eq!(p.new_divisions, ["Новый отдел"]);
        assert!(!p.is_empty());
        let same = plan(&file[..1], &have[..1], &["Отдел".into()]);
        assert!(same.is_empty());
    }
}
