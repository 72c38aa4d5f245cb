//! # touchpoints
//!
//! A Telegram bot that keeps an administration's list of touchpoints with external and
//! internal clients, as the Order (`../shared/seed/`) prescribes.
//!
//! # Layout
//! - [`config`]: settings from the environment and flags; passed in, no globals.
//! - [`domain`]: the Order — dictionaries, a row, a change request, validation. No IO.
//! - [`db`]: the SQLite pool, migrations and one module per aggregate. Returns domain types.
//! - [`i18n`]: the one place that knows Fluent; every user-facing text comes from `locales/`.
//! - [`bot`]: the only module that imports teloxide: the handler tree and its flows.
//! - [`export`]: the list as a file (XLSX, DOCX, CSV) in the Order's appendix form; bytes
//!   out, no teloxide, no IO but the CLI's `export` command.
//! - [`sheet`]: the one bounded reader of the files people send: CSV/XLSX bytes in, rows
//!   out (with the row numbers a spreadsheet shows), or a typed refusal.
//! - [`registry`]: the Registry of processes (3.1) read from CSV/XLSX, checked row by row
//!   and compared with the database's; bytes in, a plan out (the CLI's import aside).
//! - [`listfile`]: the existing list read from a file in the appendix form (CSV/XLSX),
//!   told apart from a Registry file by its header, matched to the Registry; bytes in, a
//!   plan out (the CLI's `list import` aside).
//! - [`stats`]: the list in figures and as a PNG bar chart (`/stats`).
//! - [`ops`]: `backup` (a consistent copy of the live database) and `check` (the settings
//!   and the database, as found) for the command line.

pub mod bot;
pub mod config;
pub mod db;
pub mod domain;
pub mod export;
pub mod i18n;
pub mod listfile;
pub mod ops;
pub mod registry;
pub mod sheet;
pub mod stats;
