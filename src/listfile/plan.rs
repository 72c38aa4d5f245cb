//! The rows of a file against what the database holds: each row's function found in the
//! Registry (by code, else by name within the row's direction), its division taken from
//! the function; a row whose point already stands under its function is skipped (3.7),
//! never loaded twice. Pure: the database's side comes in as [`Known`].

use std::collections::HashMap;

use super::{FunctionRef, ListRow, Problem, RowError};
use crate::db::divisions::name_key;
use crate::db::functions::typed_key;
use crate::domain::{point_key, Clients, Direction, TouchpointData};

/// A function as the database holds it (not removed from the Registry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFunction {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub direction: Direction,
    pub division_id: i64,
    pub division: String,
    pub in_registry: bool,
}

/// What the database holds that a file is checked against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    pub functions: Vec<KnownFunction>,
    /// Divisions in use: (id, name).
    pub divisions: Vec<(i64, String)>,
    /// The active rows: (function, point key) → row.
    pub active: HashMap<(i64, String), i64>,
}

/// The function a row goes under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One the database holds.
    Function(i64),
    /// A function not in the Registry, new to this division and direction: created when
    /// the file is applied (the same name in several rows is one function).
    Typed { name: String, key: String },
}

/// A row to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Add {
    pub line: usize,
    pub target: Target,
    pub division_id: i64,
    pub function_name: String,
    pub function_code: Option<String>,
    pub in_registry: bool,
    /// The row (its `function_id` is 0 for a new typed function).
    pub data: TouchpointData,
}

/// A row that already stands in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub line: usize,
    pub row_id: i64,
    pub function: String,
    pub point: String,
}

/// What loading a file does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Rows to add, in the file's order.
    pub adds: Vec<Add>,
    /// Rows already in the list.
    pub skipped: Vec<Skip>,
    /// Functions not in the Registry that loading creates: (name, division).
    pub new_functions: Vec<(String, String)>,
    /// Rows to add whose clients the file does not say (they take the default).
    pub defaulted: usize,
}

impl Plan {
    /// Rows to add in each direction, in the Order's sequence.
    pub fn per_direction(&self) -> Vec<(Direction, usize)> {
        Direction::ALL
            .iter()
            .map(|d| {
                (
                    *d,
                    self.adds.iter().filter(|a| a.data.direction == *d).count(),
                )
            })
            .collect()
    }
}

struct Index<'a> {
    known: &'a Known,
    by_code: HashMap<String, usize>,
    /// Registry functions by (direction, name).
    by_name: HashMap<(Direction, String), Vec<usize>>,
    /// Any function by (division, direction, name), the Registry's first.
    in_division: HashMap<(i64, Direction, String), usize>,
    divisions: HashMap<String, (i64, &'a str)>,
}

impl<'a> Index<'a> {
    fn new(known: &'a Known) -> Index<'a> {
        let mut by_code = HashMap::new();
        let mut by_name: HashMap<(Direction, String), Vec<usize>> = HashMap::new();
        let mut in_division = HashMap::new();
        // Registry functions first, then by id: the first one kept is the one found.
        let mut order: Vec<usize> = (0..known.functions.len()).collect();
        order.sort_by_key(|i| {
            let f = &known.functions[*i];
            (!f.in_registry, f.id)
        });
        for i in order {
            let f = &known.functions[i];
            let key = name_key(&f.name);
            if f.in_registry {
                if let Some(code) = f.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                    by_code.entry(name_key(code)).or_insert(i);
                }
                by_name
                    .entry((f.direction, key.clone()))
                    .or_default()
                    .push(i);
            }
            in_division
                .entry((f.division_id, f.direction, key))
                .or_insert(i);
        }
        let divisions = known
            .divisions
            .iter()
            .map(|(id, n)| (name_key(n), (*id, n.as_str())))
            .collect();
        Index {
            known,
            by_code,
            by_name,
            in_division,
            divisions,
        }
    }

    fn function(&self, i: usize) -> &'a KnownFunction {
        &self.known.functions[i]
    }

    /// The function a row names, or why none.
    fn resolve(&self, row: &ListRow) -> Result<Resolved, Problem> {
        let division = match &row.division {
            Some(d) => match self.divisions.get(&name_key(d)) {
                Some(found) => Some(*found),
                None => return Err(Problem::UnknownDivision(d.clone())),
            },
            None => None,
        };
        match &row.function {
            FunctionRef::Typed { name } => {
                let Some((division_id, _)) = division else {
                    return Err(Problem::TypedWithoutDivision);
                };
                match self
                    .in_division
                    .get(&(division_id, row.direction, name_key(name)))
                {
                    Some(i) => Ok(Resolved::Known(*i)),
                    None => Ok(Resolved::New {
                        name: name.clone(),
                        division_id,
                    }),
                }
            }
            FunctionRef::Registry { name, code } => {
                let found = self.registry(row, name, code.as_deref(), division)?;
                let f = self.function(found);
                if let (Some(d), Some((division_id, _))) = (&row.division, division) {
                    if division_id != f.division_id {
                        return Err(Problem::DivisionDisagrees {
                            file: d.clone(),
                            registry: f.division.clone(),
                        });
                    }
                }
                Ok(Resolved::Known(found))
            }
        }
    }

    fn registry(
        &self,
        row: &ListRow,
        name: &str,
        code: Option<&str>,
        division: Option<(i64, &str)>,
    ) -> Result<usize, Problem> {
        let shown = match code {
            Some(c) => format!("{name} ({c})"),
            None => name.to_string(),
        };
        let wrong = |i: usize| Problem::WrongDirection {
            function: shown.clone(),
            direction: self.function(i).direction,
        };
        if let Some(&i) = code.and_then(|c| self.by_code.get(&name_key(c))) {
            return if self.function(i).direction == row.direction {
                Ok(i)
            } else {
                Err(wrong(i))
            };
        }
        // By name: the text as written (a name may end in brackets), then without them.
        let names = [shown.as_str(), name];
        for n in names {
            let key = name_key(n);
            if let Some(all) = self.by_name.get(&(row.direction, key.clone())) {
                let chosen: Vec<usize> = match division {
                    Some((d, _)) => all
                        .iter()
                        .copied()
                        .filter(|i| self.function(*i).division_id == d)
                        .collect(),
                    None => all.clone(),
                };
                return match chosen.as_slice() {
                    [one] => Ok(*one),
                    // The division named is not the one the Registry gives.
                    [] if all.len() == 1 => Ok(all[0]),
                    [] => Err(Problem::Ambiguous(shown.clone())),
                    _ => Err(Problem::Ambiguous(shown.clone())),
                };
            }
            // A function typed before and accepted, in the division the file names.
            if let Some((d, _)) = division {
                if let Some(&i) = self.in_division.get(&(d, row.direction, key.clone())) {
                    return Ok(i);
                }
            }
            if let Some(other) = Direction::ALL
                .iter()
                .filter(|d| **d != row.direction)
                .find_map(|d| self.by_name.get(&(*d, key.clone())))
            {
                return Err(wrong(other[0]));
            }
        }
        Err(Problem::UnknownFunction(shown))
    }
}

enum Resolved {
    Known(usize),
    New { name: String, division_id: i64 },
}

/// What loading these rows does, or every row that cannot load. `clients` is taken by
/// the rows whose file does not say theirs.
pub fn plan(rows: &[ListRow], known: &Known, clients: Clients) -> Result<Plan, Vec<RowError>> {
    let index = Index::new(known);
    let mut out = Plan::default();
    let mut errors = vec![];
    // (function or new typed function, point key) → the first line that has it.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut new_seen: HashMap<(i64, String), ()> = HashMap::new();
    for row in rows {
        let resolved = match index.resolve(row) {
            Ok(r) => r,
            Err(problem) => {
                errors.push(RowError {
                    line: row.line,
                    problem,
                });
                continue;
            }
        };
        let key = point_key(row.kind, &row.point);
        let mut data = TouchpointData {
            direction: row.direction,
            function_id: 0,
            kind: row.kind,
            channel: row.channel,
            point: row.point.trim().to_string(),
            needs: row.needs.clone(),
            other_need: row.other_need.clone(),
            features: row.features.clone(),
            clients: row.clients.unwrap_or(clients),
            little_used: row.little_used,
        };
        let (target, identity, add) = match resolved {
            Resolved::Known(i) => {
                let f = index.function(i);
                data.function_id = f.id;
                (
                    Target::Function(f.id),
                    format!("f{}|{key}", f.id),
                    Add {
                        line: row.line,
                        target: Target::Function(f.id),
                        division_id: f.division_id,
                        function_name: f.name.clone(),
                        function_code: f.code.clone(),
                        in_registry: f.in_registry,
                        data,
                    },
                )
            }
            Resolved::New { name, division_id } => {
                let fkey = typed_key(row.direction, &name);
                let target = Target::Typed {
                    name: name.clone(),
                    key: fkey.clone(),
                };
                if new_seen.insert((division_id, fkey.clone()), ()).is_none() {
                    let division = known
                        .divisions
                        .iter()
                        .find(|(id, _)| *id == division_id)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_default();
                    out.new_functions.push((name.clone(), division));
                }
                (
                    target.clone(),
                    format!("t{division_id}|{fkey}|{key}"),
                    Add {
                        line: row.line,
                        target,
                        division_id,
                        function_name: name,
                        function_code: None,
                        in_registry: false,
                        data,
                    },
                )
            }
        };
        if let Some(first) = seen.get(&identity) {
            errors.push(RowError {
                line: row.line,
                problem: Problem::Repeats(*first),
            });
            continue;
        }
        seen.insert(identity, row.line);
        if let Target::Function(id) = target {
            if let Some(row_id) = known.active.get(&(id, key)) {
                out.skipped.push(Skip {
                    line: row.line,
                    row_id: *row_id,
                    function: add.function_name,
                    point: add.data.point,
                });
                continue;
            }
        }
        if row.clients.is_none() {
            out.defaulted += 1;
        }
        out.adds.push(add);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::domain::{Channel, Kind, Need};

    fn f(
        id: i64,
        code: Option<&str>,
        name: &str,
        direction: Direction,
        division: i64,
    ) -> KnownFunction {
        KnownFunction {
            id,
            code: code.map(str::to_string),
            name: name.into(),
            direction,
            division_id: division,
            division: format!("Отдел {division}"),
            in_registry: code.is_some(),
        }
    }

    fn known() -> Known {
        Known {
            functions: vec![
                f(1, Some("Ф-1"), "Приём граждан", Direction::Appeals, 1),
                f(2, Some("Ф-2"), "Портал", Direction::Information, 1),
                f(3, Some("Ф-3"), "Учёт", Direction::Appeals, 1),
                f(4, Some("Ф-4"), "Учёт", Direction::Appeals, 2),
                f(5, None, "Кадры", Direction::Internal, 2),
            ],
            divisions: vec![(1, "Отдел 1".into()), (2, "Отдел 2".into())],
            active: [((1, point_key(Kind::InPerson, "каб. 1")), 77)]
                .into_iter()
                .collect(),
        }
    }

    fn row(line: usize, function: FunctionRef, direction: Direction, point: &str) -> ListRow {
        ListRow {
            line,
            direction,
            function,
            division: None,
            kind: Kind::InPerson,
            channel: Channel::Offline,
            point: point.into(),
            needs: BTreeSet::from([Need::Information]),
            other_need: None,
            features: None,
            little_used: false,
            clients: None,
        }
    }

    fn named(name: &str, code: Option<&str>) -> FunctionRef {
        FunctionRef::Registry {
            name: name.into(),
            code: code.map(str::to_string),
        }
    }

    #[test]
    fn rows_find_their_functions_and_standing_points_are_skipped() {
        let rows = vec![
            row(
                2,
                named("Приём  граждан", None),
                Direction::Appeals,
                "КАБ. 1",
            ),
            row(
                3,
                named("Что угодно", Some("Ф-1")),
                Direction::Appeals,
                "каб. 2",
            ),
            row(
                4,
                named("Портал", Some("ф-2")),
                Direction::Information,
                "каб. 2",
            ),
            ListRow {
                division: Some("отдел 2".into()),
                ..row(5, named("Учёт", None), Direction::Appeals, "каб. 3")
            },
            ListRow {
                division: Some("Отдел 2".into()),
                clients: Some(Clients::Internal),
                ..row(
                    6,
                    FunctionRef::Typed {
                        name: "кадры".into(),
                    },
                    Direction::Internal,
                    "каб. 4",
                )
            },
            ListRow {
                division: Some("Отдел 1".into()),
                ..row(
                    7,
                    FunctionRef::Typed {
                        name: "Новая".into(),
                    },
                    Direction::Internal,
                    "каб. 5",
                )
            },
            ListRow {
                division: Some("Отдел 1".into()),
                ..row(
                    8,
                    FunctionRef::Typed {
                        name: "НОВАЯ".into(),
                    },
                    Direction::Internal,
                    "каб. 6",
                )
            },
        ];
        let p = plan(&rows, &known(), Clients::Both).unwrap();
        assert_eq!(p.skipped.len(), 1);
        assert_eq!((p.skipped[0].line, p.skipped[0].row_id), (2, 77));
        let targets: Vec<(usize, Target, i64)> = p
            .adds
            .iter()
            .map(|a| (a.line, a.target.clone(), a.division_id))
            .collect();
        let typed = Target::Typed {
            name: "Новая".into(),
            key: typed_key(Direction::Internal, "Новая"),
        };
        assert_eq!(
            targets,
            vec![
                (3, Target::Function(1), 1),
                (4, Target::Function(2), 1),
                (5, Target::Function(4), 2),
                (6, Target::Function(5), 2),
                (7, typed.clone(), 1),
                (
                    8,
                    Target::Typed {
                        name: "НОВАЯ".into(),
                        key: typed_key(Direction::Internal, "Новая")
                    },
                    1
                ),
            ]
        );
        assert_eq!(
            p.new_functions,
            vec![("Новая".to_string(), "Отдел 1".to_string())]
        );
        assert_eq!(p.defaulted, 5);
        assert_eq!(p.adds[3].data.clients, Clients::Internal);
        assert_eq!(p.adds[0].data.clients, Clients::Both);
        assert_eq!(
            p.per_direction(),
            vec![
                (Direction::Appeals, 2),
                (Direction::Information, 1),
                (Direction::Internal, 3)
            ]
        );
    }

    #[test]
    fn rows_that_cannot_load_are_named() {
        let rows = vec![
            row(2, named("Нет такой", None), Direction::Appeals, "a"),
            row(3, named("Портал", None), Direction::Appeals, "a"),
            row(4, named("Учёт", None), Direction::Appeals, "a"),
            ListRow {
                division: Some("Отдел 2".into()),
                ..row(5, named("Приём граждан", None), Direction::Appeals, "a")
            },
            row(
                6,
                FunctionRef::Typed { name: "x".into() },
                Direction::Appeals,
                "a",
            ),
            ListRow {
                division: Some("Отдел 9".into()),
                ..row(
                    7,
                    FunctionRef::Typed { name: "x".into() },
                    Direction::Appeals,
                    "a",
                )
            },
            row(
                8,
                named("Приём граждан", Some("Ф-1")),
                Direction::Appeals,
                "b",
            ),
            row(9, named("Приём граждан", None), Direction::Appeals, "B"),
            row(10, named("x", Some("Ф-2")), Direction::Appeals, "b"),
        ];
        let errs = plan(&rows, &known(), Clients::External).unwrap_err();
        let got: Vec<(usize, Problem)> = errs.into_iter().map(|e| (e.line, e.problem)).collect();
        assert_eq!(
            got,
            vec![
                (2, Problem::UnknownFunction("Нет такой".into())),
                (
                    3,
                    Problem::WrongDirection {
                        function: "Портал".into(),
                        direction: Direction::Information
                    }
                ),
                (4, Problem::Ambiguous("Учёт".into())),
                (
                    5,
                    Problem::DivisionDisagrees {
                        file: "Отдел 2".into(),
                        registry: "Отдел 1".into()
                    }
                ),
                (6, Problem::TypedWithoutDivision),
                (7, Problem::UnknownDivision("Отдел 9".into())),
                (9, Problem::Repeats(8)),
                (
                    10,
                    Problem::WrongDirection {
                        function: "x (Ф-2)".into(),
                        direction: Direction::Information
                    }
                ),
            ]
        );
    }
}
