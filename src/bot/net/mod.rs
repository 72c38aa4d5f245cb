//! The bot's side of the network: [`retry`] wraps every Bot API request (429, network and
//! server errors, pacing), [`listen`] gets the updates (polling or webhook).

pub mod listen;
pub mod retry;

pub use listen::{poll, webhook};
pub use retry::{delivery, fault, is_harmless_edit_error, Delivery, Fault, Pacer, Policy, Retry};
