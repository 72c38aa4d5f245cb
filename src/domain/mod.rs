//! The Order, free of Telegram and of storage: its dictionaries, a row of the list, a change
//! request and the rules they obey. No IO here; nothing fails for reasons outside its inputs.

pub mod dict;
pub mod draft;
pub mod moment;
pub mod notice;
pub mod people;
pub mod record;
pub mod request;
pub mod schedule;
pub mod touchpoint;

pub use dict::{Channel, Clients, Direction, Kind, Need};
pub use moment::{Moment, MomentError};
pub use people::{Lang, Role};
pub use request::{Action, ReasonKind, RequestStatus};
pub use touchpoint::{point_key, Invalid, Row, RowStatus, TouchpointData};
