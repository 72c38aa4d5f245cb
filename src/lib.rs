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

pub mod bot;
pub mod config;
pub mod db;
pub mod domain;
pub mod export;
pub mod i18n;
