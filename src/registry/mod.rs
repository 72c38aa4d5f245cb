//! The Registry of processes (3.1) as a file: its types and constants here; the work in
//! four parts, all but the last pure (no teloxide, no database, no IO):
//! - `parse`: bytes → checked entries, every bad row named by the row number a
//!   spreadsheet shows (the file is read by [`crate::sheet`], the one bounded reader);
//! - `plan`: entries against the Registry the database holds → what applying
//!   changes (applied by `db::registry`);
//! - `text`: a plan or a refusal described for people, through the locales;
//! - `cli`: the command line's `registry import FILE`, which reads the file and writes the
//!   database — the only IO here.
//!
//! The file's first row with content names the columns `Код`, `Наименование`, `Вид`, `Направление`,
//! `Подразделение`, in any order, matched without regard to case and spaces; other columns
//! are ignored. CSV is UTF-8 with or without a BOM, separated by `;` or `,`; XLSX is read
//! from its first sheet.

mod cli;
mod parse;
mod plan;
mod text;

use serde::{Deserialize, Serialize};

use crate::db::divisions::name_key;
use crate::domain::Direction;
use crate::sheet::{Limits, Refusal};

pub use cli::import_file;
pub use parse::parse;
pub use plan::plan;
pub(crate) use text::plain;
pub use text::{describe_error, describe_plan};

/// The longest code accepted.
pub const MAX_CODE: usize = 50;
/// The most rows a file may hold, the header included.
pub const MAX_ROWS: usize = 20_000;
/// The largest file accepted, in bytes.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// What a Registry file may hold (the columns beyond the five are ignored, but bounded).
pub const LIMITS: Limits = Limits {
    max_bytes: MAX_BYTES,
    max_rows: MAX_ROWS,
    ..Limits::DEFAULT
};

/// The columns of the file, in the order the SPEC lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Column {
    Code,
    Name,
    Kind,
    Direction,
    Division,
}

impl Column {
    pub const ALL: [Column; 5] = [
        Column::Code,
        Column::Name,
        Column::Kind,
        Column::Direction,
        Column::Division,
    ];

    /// The header as the SPEC writes it.
    pub fn header(self) -> &'static str {
        match self {
            Column::Code => "Код",
            Column::Name => "Наименование",
            Column::Kind => "Вид",
            Column::Direction => "Направление",
            Column::Division => "Подразделение",
        }
    }
}

/// One process of the Registry, as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The row number a spreadsheet shows for it (the header's is 1 unless rows stand
    /// above it).
    pub line: usize,
    pub code: String,
    pub name: String,
    pub is_service: bool,
    pub direction: Direction,
    pub division: String,
}

/// What is wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Empty(Column),
    TooLong(Column, usize),
    /// `Вид` is neither `функция` nor `сервис`.
    BadKind(String),
    /// `Направление` is neither a code 3.5.x nor a direction's wording.
    BadDirection(String),
    /// The code stands on an earlier line too.
    DuplicateCode {
        code: String,
        first_line: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub problem: Problem,
}

/// Why a file cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// Not read as a table: too large, not a CSV or XLSX, damaged (see [`Refusal`]).
    Sheet(Refusal),
    /// No rows besides the header (or no header at all).
    Empty,
    /// The header lacks these columns.
    MissingColumns(Vec<Column>),
    /// A column is named twice.
    DuplicateColumn(Column),
    /// Rows with problems: nothing is imported.
    Rows(Vec<RowError>),
}

/// A process of the Registry as the database holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub function_id: i64,
    pub code: String,
    pub name: String,
    pub is_service: bool,
    pub direction: Direction,
    pub division_id: i64,
    pub division: String,
    /// Removed from the Registry by an earlier file.
    pub removed: bool,
    /// Active rows of the list under it.
    pub rows: i64,
}

/// A process whose entry changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub old: Existing,
    pub new: Entry,
}

impl Update {
    pub fn renamed(&self) -> bool {
        self.old.name != self.new.name
    }
    pub fn kind_changed(&self) -> bool {
        self.old.is_service != self.new.is_service
    }
    pub fn direction_changed(&self) -> bool {
        self.old.direction != self.new.direction
    }
    pub fn division_changed(&self) -> bool {
        name_key(&self.old.division) != name_key(&self.new.division)
    }
}

/// What applying a file changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// New codes.
    pub added: Vec<Entry>,
    /// Codes removed earlier that are back (the same process: its rows stay its own).
    pub returned: Vec<Update>,
    /// Codes whose name, kind, direction or division changed.
    pub updated: Vec<Update>,
    /// Codes missing from the file: they left the Registry (5.1.1).
    pub removed: Vec<Existing>,
    /// Divisions named in the file that do not exist yet (created on apply).
    pub new_divisions: Vec<String>,
    /// Entries that change nothing.
    pub unchanged: usize,
}

impl Plan {
    /// Whether applying changes anything.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.returned.is_empty()
            && self.updated.is_empty()
            && self.removed.is_empty()
            && self.new_divisions.is_empty()
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    pub(crate) fn existing(
        id: i64,
        code: &str,
        name: &str,
        division: &str,
        removed: bool,
    ) -> Existing {
        Existing {
            function_id: id,
            code: code.into(),
            name: name.into(),
            is_service: false,
            direction: Direction::Appeals,
            division_id: 1,
            division: division.into(),
            removed,
            rows: 0,
        }
    }

    pub(crate) fn entry(code: &str, name: &str, division: &str) -> Entry {
        Entry {
            line: 2,
            code: code.into(),
            name: name.into(),
            is_service: false,
            direction: Direction::Appeals,
            division: division.into(),
        }
    }
}
