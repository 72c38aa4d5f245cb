//! The conversations: one file (or folder) per command, each with its own `schema()` that
//! `bot::schema` composes with one line. Flows do not import each other: what two of them
//! share lives in `bot::ui`. They read and write through whole operations of `db/`.

pub mod admin;
pub mod changes;
pub mod history;
pub mod invite;
pub mod list;
pub mod list_import;
pub mod my;
pub mod notices;
pub mod registry;
pub mod remind;
pub mod report;
pub mod review;
pub mod start;
pub mod stats;
