//! The existing list loaded from a file (issue 11, item 6): an XLSX or CSV in the Order's
//! appendix form, as `/list` writes it (caption, title, date lines, the six headings, the
//! `1 … 6` row, a section line per direction, numbered rows, the footnote) or only the
//! headings and the rows, as people keep it in Excel. The work in parts, all but the last
//! pure (no teloxide, no database, no IO):
//! - `detect`: a list or something else (a Registry file), told apart by the header;
//! - `parse`: bytes → rows read column by column (through [`crate::sheet`], the one
//!   bounded reader), every bad row named by the row number a spreadsheet shows;
//! - `plan`: the rows against the Registry and the list the database holds → what loading
//!   adds, what already stands in the list (3.7: skipped), or the rows that cannot load
//!   (applied by `db::list_import`);
//! - `text`: a preview or a refusal described for people, through the locales;
//! - `cli`: the command line's `list import FILE [--yes]` — the only IO here.

mod cli;
mod detect;
mod parse;
mod plan;
mod text;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::domain::{Channel, Clients, Direction, Invalid, Kind, Need};
use crate::sheet::{Limits, Refusal};

pub use cli::import_file;
pub use detect::{detect, FileKind};
pub use parse::parse;
pub use plan::{plan, Add, Known, KnownFunction, Plan, Skip, Target};
pub use text::{describe_error, describe_plan, describe_rows};

/// The most rows a file may hold, everything above and below the table included.
pub const MAX_ROWS: usize = 20_000;
/// The largest file accepted, in bytes.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// What a list file may hold.
pub const LIMITS: Limits = Limits {
    max_bytes: MAX_BYTES,
    max_rows: MAX_ROWS,
    ..Limits::DEFAULT
};
/// The default for rows whose clients the file does not say (the form itself does not).
pub const DEFAULT_CLIENTS: Clients = Clients::External;

/// The columns of a list file: the form's six and two of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Column {
    /// 1: `№` (ignored).
    Number,
    /// 2: the direction's wording.
    Direction,
    /// 3: the function's name, its code in brackets, or «— нет в Реестре».
    Function,
    /// 4: `Вид: точка (канал)`.
    Point,
    /// 5: the needs.
    Needs,
    /// 6: the features or «нет».
    Features,
    /// Optional: the division (needed for a function not in the Registry).
    Division,
    /// Optional: внешние / внутренние / внешние и внутренние.
    Clients,
}

impl Column {
    pub const ALL: [Column; 8] = [
        Column::Number,
        Column::Direction,
        Column::Function,
        Column::Point,
        Column::Needs,
        Column::Features,
        Column::Division,
        Column::Clients,
    ];
    /// The columns every list file has.
    pub const REQUIRED: [Column; 5] = [
        Column::Direction,
        Column::Function,
        Column::Point,
        Column::Needs,
        Column::Features,
    ];

    /// The heading as the form (or, for ours, the bot) writes it.
    pub fn header(self) -> &'static str {
        use crate::export::form::HEADINGS;
        match self {
            Column::Number => HEADINGS[0],
            Column::Direction => HEADINGS[1],
            Column::Function => HEADINGS[2],
            Column::Point => HEADINGS[3],
            Column::Needs => HEADINGS[4],
            Column::Features => HEADINGS[5],
            Column::Division => DIVISION_HEADING,
            Column::Clients => CLIENTS_HEADING,
        }
    }
}

/// The optional column naming the division.
pub const DIVISION_HEADING: &str = "Подразделение";
/// The optional column naming the clients a point serves.
pub const CLIENTS_HEADING: &str = "Клиенты";

/// Column 3 as the file writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FunctionRef {
    /// A function of the Registry: by its code when the file gives one in brackets, else
    /// by its name.
    Registry { name: String, code: Option<String> },
    /// «Название — нет в Реестре»: a function typed because the Registry lacks it.
    Typed { name: String },
}

impl FunctionRef {
    pub fn name(&self) -> &str {
        match self {
            FunctionRef::Registry { name, .. } | FunctionRef::Typed { name } => name,
        }
    }
}

/// One row of the file, read column by column (not yet matched to the Registry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRow {
    /// The row number a spreadsheet shows for it.
    pub line: usize,
    pub direction: Direction,
    pub function: FunctionRef,
    /// The «Подразделение» column, when the file has it and the cell is filled.
    pub division: Option<String>,
    pub kind: Kind,
    pub channel: Channel,
    pub point: String,
    pub needs: BTreeSet<Need>,
    pub other_need: Option<String>,
    pub features: Option<String>,
    pub little_used: bool,
    /// The «Клиенты» column, when the file has it and the cell is filled.
    pub clients: Option<Clients>,
}

/// A file read into rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub rows: Vec<ListRow>,
    /// Whether the file has the «Клиенты» column.
    pub has_clients: bool,
}

/// What is wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A cell the row needs is empty (or the row has fewer cells than the table).
    Empty(Column),
    TooLong(Column, usize),
    BadDirection(String),
    /// Column 4 does not start with a kind of 4.2 followed by `:`.
    BadKind(String),
    /// Column 4 names a kind but no point after it.
    NoPoint,
    BadNeed(String),
    BadClients(String),
    /// The row breaks a rule of a complete row (3.3.2): the channel, the «other» need…
    Invalid(Invalid),
    /// No function of the Registry has this name (or code) in the row's direction.
    UnknownFunction(String),
    /// The function stands under another direction in the Registry.
    WrongDirection {
        function: String,
        direction: Direction,
    },
    /// Several divisions perform a function of this name: the «Подразделение» column (or
    /// the code) says which.
    Ambiguous(String),
    /// The «Подразделение» column disagrees with the Registry.
    DivisionDisagrees {
        file: String,
        registry: String,
    },
    /// A function not in the Registry without the «Подразделение» column.
    TypedWithoutDivision,
    /// No division (in use) has this name.
    UnknownDivision(String),
    /// The same point under the same function stands on an earlier row of the file (3.7).
    Repeats(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub problem: Problem,
}

/// Why a file cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// Not read as a table (see [`Refusal`]).
    Sheet(Refusal),
    /// No header row with the form's headings.
    NoHeader,
    /// The header lacks these columns.
    MissingColumns(Vec<Column>),
    /// A column is named twice.
    DuplicateColumn(Column),
    /// No rows under the header.
    Empty,
    /// Rows with problems: nothing is loaded.
    Rows(Vec<RowError>),
}
