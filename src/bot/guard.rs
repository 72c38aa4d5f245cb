//! A panic in a handler must not take the bot down. teloxide runs each chat's updates in a
//! worker task; a panic kills that worker, and the dispatcher itself panics on the chat's
//! next update. [`guarded`] runs the whole handler tree under `catch_unwind`: a panic is
//! logged, the person is told that something went wrong (a callback query is answered),
//! and the bot goes on serving, this chat included.

use std::any::Any;
use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use dptree::di::DependencyMap;
use dptree::{HandlerDescription, HandlerSignature};
use futures::FutureExt;
use teloxide::dispatching::{DpHandlerDescription, UpdateHandler};
use teloxide::prelude::*;

use super::app::{App, HandlerError, TgBot};
use super::press::Press;
use crate::tr;

/// The tree, with a panic anywhere in it caught.
pub fn guarded(tree: UpdateHandler<HandlerError>) -> UpdateHandler<HandlerError> {
    let catch = dptree::from_fn_with_description(
        DpHandlerDescription::entry(),
        |deps: DependencyMap, cont| async move {
            let saved = deps.clone();
            match AssertUnwindSafe(cont(deps)).catch_unwind().await {
                Ok(flow) => flow,
                Err(panic) => {
                    after_panic(&saved, panic).await;
                    ControlFlow::Break(Ok(()))
                }
            }
        },
        HandlerSignature::Entry,
    );
    catch.chain(tree)
}

pub fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// Logs the panic and tells the person, in their language, that their last step failed.
async fn after_panic(deps: &DependencyMap, panic: Box<dyn Any + Send>) {
    let update: Arc<Update> = deps.get();
    log::error!(
        "a handler panicked on update {} from user {}: {}",
        update.id.0,
        update.from().map(|u| u.id.0 as i64).unwrap_or(0),
        panic_message(panic.as_ref())
    );
    let bot: Arc<TgBot> = deps.get();
    let app: Arc<Arc<App>> = deps.get();
    // Answered exactly once: the press of the tree, which the handler may have answered
    // before it panicked (a screen's press is answered as its card changes).
    let press = deps
        .try_get::<Press>()
        .map(|p| Press::clone(&p))
        .unwrap_or_else(|| Press::of(TgBot::clone(&bot), &update));
    super::press::tell_failure(&app, &bot, &update, &press, |lang| {
        tr!(app.i18n, lang, "error-panic")
    })
    .await;
}
