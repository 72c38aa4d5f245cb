//! The Bot API through faults. [`Retry`] wraps the [`Bot`] (it is `TgBot`): every request
//! it makes is sent again after a 429 (waiting the `retry_after` Telegram asks for) and after
//! a network error or a server error (5xx), with a growing pause, a bounded number of times;
//! then the error is logged and returned. Client errors (4xx) are returned at once.
//! `getUpdates` is passed through: the polling loop has its own backoff ([`Policy::poll_backoff`]).
//!
//! Retrying a request whose answer was lost on the way back may deliver it twice (a message
//! the person sees twice); that is preferred to losing it. A request Telegram answered with
//! `ok: true` is never sent again.

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use teloxide::requests::{HasPayload, Output, Payload, Request, Requester};
use teloxide::types::*;
use teloxide::{ApiError, Bot, RequestError};
use url::Url;

/// How hard to try. [`Policy::default`] is for production; tests shorten the pauses.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Retries after a network error or a server error (5xx), after the first attempt.
    pub retries: u32,
    /// The pause before the first such retry; it doubles each time, up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// How many times a 429 (`retry_after`) is waited out for one request.
    pub rate_limit_retries: u32,
    /// A longer `retry_after` than this is not waited out: the request fails (logged).
    pub max_retry_after: Duration,
    /// The pause after the first failed `getUpdates`; it doubles up to `max_poll_backoff`.
    pub poll_backoff: Duration,
    pub max_poll_backoff: Duration,
    /// How many 409 Conflicts from `getUpdates` in a row (another process polls with the
    /// same token) make the bot stop with an error.
    pub conflicts: u32,
    /// At most this many messages are sent per second, all chats together (Telegram
    /// allows about 30): a broadcast — cards to every authorized person, a round of
    /// reminders — is paced instead of meeting 429s. 0 turns pacing off (tests).
    pub messages_per_second: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            retries: 4,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            rate_limit_retries: 5,
            max_retry_after: Duration::from_secs(120),
            poll_backoff: Duration::from_secs(1),
            max_poll_backoff: Duration::from_secs(64),
            conflicts: 10,
            messages_per_second: 30,
        }
    }
}

impl Policy {
    /// The pause before retry number `n` (0-based) after a network or server error.
    pub fn backoff(&self, n: u32) -> Duration {
        grow(self.backoff, self.max_backoff, n)
    }

    /// The pause after `n` failed `getUpdates` in a row.
    pub fn poll_backoff(&self, n: u32) -> Duration {
        grow(self.poll_backoff, self.max_poll_backoff, n)
    }
}

/// Spaces sends evenly so that no more than a given number go out in a second.
#[derive(Debug)]
pub struct Pacer {
    gap: Duration,
    next: std::sync::Mutex<tokio::time::Instant>,
}

impl Pacer {
    pub fn new(per_second: u32) -> Self {
        Pacer {
            gap: if per_second == 0 {
                Duration::ZERO
            } else {
                Duration::from_secs(1) / per_second
            },
            next: std::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    /// Waits for this send's turn.
    pub async fn wait(&self) {
        if self.gap.is_zero() {
            return;
        }
        let now = tokio::time::Instant::now();
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let at = (*next).max(now);
            *next = at + self.gap;
            at
        };
        if at > now {
            tokio::time::sleep_until(at).await;
        }
    }
}

/// Whether a method sends a message (what Telegram's per-second limits count).
fn is_send(method: &str) -> bool {
    let m = method.to_ascii_lowercase();
    m.starts_with("send") || m.starts_with("copy") || m.starts_with("forward")
}

fn grow(first: Duration, max: Duration, n: u32) -> Duration {
    first.saturating_mul(1u32 << n.min(16)).min(max)
}

/// What a failed request calls for.
#[derive(Debug, PartialEq)]
pub enum Fault {
    /// 429: wait this long, then send again.
    RateLimited(Duration),
    /// A network error, a server error or a garbled answer: the request may not have been
    /// handled; send again after a pause.
    Transient,
    /// Telegram refused the request (4xx): sending it again would not help.
    Final,
}

/// Sorts a failed request's error.
pub fn fault(e: &RequestError) -> Fault {
    match e {
        RequestError::RetryAfter(s) => Fault::RateLimited(s.duration()),
        RequestError::Network(_) => Fault::Transient,
        // A proxy's error page or a cut answer; but an `ok: true` answer that did not parse
        // means Telegram did the work: never repeat that.
        RequestError::InvalidJson { raw, .. } => {
            if raw.trim_start().starts_with("{\"ok\":true") {
                Fault::Final
            } else {
                Fault::Transient
            }
        }
        // teloxide drops the status code; Telegram's 5xx answers carry these descriptions.
        RequestError::Api(ApiError::Unknown(d)) => {
            let d = d.to_ascii_lowercase();
            if [
                "internal server error",
                "bad gateway",
                "service unavailable",
                "gateway timeout",
            ]
            .iter()
            .any(|p| d.starts_with(p))
            {
                Fault::Transient
            } else {
                Fault::Final
            }
        }
        _ => Fault::Final,
    }
}

/// What a send that failed (after the retries) means for the person it was meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The person cannot be reached: they blocked the bot or deleted their account, or
    /// there is no such chat (403, «chat not found»). Trying again will not help.
    Unreachable,
    /// Telegram or the way to it failed, longer than the retries lasted (network, 5xx,
    /// 429 beyond patience): worth another try in a few minutes.
    Transient,
    /// Telegram refused this request: the same request would be refused again.
    Refused,
}

/// Sorts a failed send's error by what it means for the recipient.
pub fn delivery(e: &RequestError) -> Delivery {
    match e {
        RequestError::Api(
            ApiError::BotBlocked
            | ApiError::ChatNotFound
            | ApiError::UserNotFound
            | ApiError::UserDeactivated
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots,
        ) => Delivery::Unreachable,
        // Any other 403 (teloxide keeps only the description of errors it does not know).
        RequestError::Api(ApiError::Unknown(d))
            if d.to_ascii_lowercase().starts_with("forbidden") =>
        {
            Delivery::Unreachable
        }
        e => match fault(e) {
            Fault::Transient | Fault::RateLimited(_) => Delivery::Transient,
            Fault::Final => Delivery::Refused,
        },
    }
}

/// Errors of an edit that mean there is nothing to do: the text is already so, or the
/// message is gone or too old to edit. Logged at debug, not reported.
pub fn is_harmless_edit_error(e: &RequestError) -> bool {
    matches!(
        e,
        RequestError::Api(
            ApiError::MessageNotModified
                | ApiError::MessageToEditNotFound
                | ApiError::MessageIdInvalid
                | ApiError::MessageCantBeEdited
        )
    )
}

/// Sends a request, retrying as the policy says.
async fn send_with_retries<R>(
    req: R,
    policy: Arc<Policy>,
    pacer: Arc<Pacer>,
) -> Result<Output<R>, RequestError>
where
    R: Request<Err = RequestError>,
{
    let method = <R::Payload as Payload>::NAME;
    let (mut failures, mut limited) = (0u32, 0u32);
    loop {
        if is_send(method) {
            pacer.wait().await;
        }
        let err = match req.send_ref().await {
            Ok(out) => {
                if failures + limited > 0 {
                    log::info!(
                        "{method}: went through after {} retries",
                        failures + limited
                    );
                }
                return Ok(out);
            }
            Err(e) => e,
        };
        let pause = match fault(&err) {
            Fault::Final => return Err(err),
            Fault::RateLimited(wait) => {
                if limited >= policy.rate_limit_retries || wait > policy.max_retry_after {
                    log::error!("{method}: rate limited by Telegram, given up: {err}");
                    return Err(err);
                }
                limited += 1;
                log::warn!(
                    "{method}: rate limited by Telegram, waiting {} s as asked (retry {limited} of {})",
                    wait.as_secs(),
                    policy.rate_limit_retries
                );
                wait
            }
            Fault::Transient => {
                if failures >= policy.retries {
                    log::error!("{method}: failed {} times, given up: {err}", failures + 1);
                    return Err(err);
                }
                let pause = policy.backoff(failures);
                failures += 1;
                log::warn!(
                    "{method}: {err}; retrying in {} ms (retry {failures} of {})",
                    pause.as_millis(),
                    policy.retries
                );
                pause
            }
        };
        tokio::time::sleep(pause).await;
    }
}

/// A request that is retried as the [`Policy`] says; otherwise the request itself (its
/// payload can be set as usual: `.parse_mode(…)`, `.reply_markup(…)`).
#[must_use = "Requests are lazy and do nothing unless sent"]
#[derive(Clone)]
pub struct Retrying<R> {
    inner: R,
    policy: Arc<Policy>,
    pacer: Arc<Pacer>,
}

impl<R: HasPayload> HasPayload for Retrying<R> {
    type Payload = R::Payload;

    fn payload_mut(&mut self) -> &mut Self::Payload {
        self.inner.payload_mut()
    }

    fn payload_ref(&self) -> &Self::Payload {
        self.inner.payload_ref()
    }
}

/// As the request itself: `req.language_code = …` sets the payload's field.
impl<R: std::ops::Deref> std::ops::Deref for Retrying<R> {
    type Target = R::Target;

    fn deref(&self) -> &R::Target {
        &self.inner
    }
}

impl<R: std::ops::DerefMut> std::ops::DerefMut for Retrying<R> {
    fn deref_mut(&mut self) -> &mut R::Target {
        &mut self.inner
    }
}

impl<R> Request for Retrying<R>
where
    R: Request<Err = RequestError> + Clone + Send + Sync + 'static,
    Output<R>: Send,
{
    type Err = RequestError;
    type Send = BoxFuture<'static, Result<Output<R>, RequestError>>;
    type SendRef = BoxFuture<'static, Result<Output<R>, RequestError>>;

    fn send(self) -> Self::Send {
        Box::pin(send_with_retries(self.inner, self.policy, self.pacer))
    }

    fn send_ref(&self) -> Self::SendRef {
        Box::pin(send_with_retries(
            self.inner.clone(),
            self.policy.clone(),
            self.pacer.clone(),
        ))
    }
}

impl<R> IntoFuture for Retrying<R>
where
    R: Request<Err = RequestError> + Clone + Send + Sync + 'static,
    Output<R>: Send,
{
    type Output = Result<Output<R>, RequestError>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

/// The bot with retries: see the module's description.
#[derive(Clone)]
pub struct Retry {
    bot: Bot,
    policy: Arc<Policy>,
    /// Shared by every request of this bot.
    pacer: Arc<Pacer>,
}

/// Without the bot: teloxide's `Bot` shows its token in `Debug`.
impl std::fmt::Debug for Retry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Retry")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Retry {
    pub fn new(bot: Bot, policy: Policy) -> Self {
        Retry {
            bot,
            pacer: Arc::new(Pacer::new(policy.messages_per_second)),
            policy: Arc::new(policy),
        }
    }

    pub fn inner(&self) -> &Bot {
        &self.bot
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    fn wrap<R>(&self, inner: R) -> Retrying<R> {
        Retrying {
            inner,
            policy: self.policy.clone(),
            pacer: self.pacer.clone(),
        }
    }
}

/// `name[generics](args) -> Type [bounds];`: one line per method of teloxide-core 0.13's
/// `Requester`, each forwarded to the bot and wrapped in [`Retrying`]. A teloxide upgrade
/// that changes the trait fails to compile here.
macro_rules! forward {
    ($( $name:ident [$($g:tt)*] ($($arg:ident : $t:ty),*) -> $T:ident [$($w:tt)*]; )*) => {$(
        type $T = Retrying<<Bot as Requester>::$T>;

        fn $name<$($g)*>(&self, $($arg: $t),*) -> Self::$T where $($w)* {
            self.wrap(self.bot.$name($($arg),*))
        }
    )*};
}

impl Requester for Retry {
    type Err = RequestError;

    type GetUpdates = <Bot as Requester>::GetUpdates;

    fn get_updates(&self) -> Self::GetUpdates {
        self.bot.get_updates()
    }

    forward! {
        set_webhook[](url: Url) -> SetWebhook [];
        delete_webhook[]() -> DeleteWebhook [];
        get_webhook_info[]() -> GetWebhookInfo [];
        get_me[]() -> GetMe [];
        log_out[]() -> LogOut [];
        close[]() -> Close [];
        send_message[C, T](chat_id: C, text: T) -> SendMessage [C: Into<Recipient>, T: Into<String>];
        forward_message[C, F](chat_id: C, from_chat_id: F, message_id: MessageId) -> ForwardMessage [C: Into<Recipient>, F: Into<Recipient>];
        forward_messages[C, F, M](chat_id: C, from_chat_id: F, message_ids: M) -> ForwardMessages [C: Into<Recipient>, F: Into<Recipient>, M: IntoIterator<Item = MessageId>];
        copy_message[C, F](chat_id: C, from_chat_id: F, message_id: MessageId) -> CopyMessage [C: Into<Recipient>, F: Into<Recipient>];
        copy_messages[C, F, M](chat_id: C, from_chat_id: F, message_ids: M) -> CopyMessages [C: Into<Recipient>, F: Into<Recipient>, M: IntoIterator<Item = MessageId>];
        send_photo[C](chat_id: C, photo: InputFile) -> SendPhoto [C: Into<Recipient>];
        send_audio[C](chat_id: C, audio: InputFile) -> SendAudio [C: Into<Recipient>];
        send_document[C](chat_id: C, document: InputFile) -> SendDocument [C: Into<Recipient>];
        send_video[C](chat_id: C, video: InputFile) -> SendVideo [C: Into<Recipient>];
        send_animation[C](chat_id: C, animation: InputFile) -> SendAnimation [C: Into<Recipient>];
        send_voice[C](chat_id: C, voice: InputFile) -> SendVoice [C: Into<Recipient>];
        send_video_note[C](chat_id: C, video_note: InputFile) -> SendVideoNote [C: Into<Recipient>];
        send_paid_media[C, M](chat_id: C, star_count: u32, media: M) -> SendPaidMedia [C: Into<Recipient>, M: IntoIterator<Item = InputPaidMedia>];
        send_media_group[C, M](chat_id: C, media: M) -> SendMediaGroup [C: Into<Recipient>, M: IntoIterator<Item = InputMedia>];
        send_location[C](chat_id: C, latitude: f64, longitude: f64) -> SendLocation [C: Into<Recipient>];
        edit_message_live_location[C](chat_id: C, message_id: MessageId, latitude: f64, longitude: f64) -> EditMessageLiveLocation [C: Into<Recipient>];
        edit_message_live_location_inline[I](inline_message_id: I, latitude: f64, longitude: f64) -> EditMessageLiveLocationInline [I: Into<String>];
        stop_message_live_location[C](chat_id: C, message_id: MessageId) -> StopMessageLiveLocation [C: Into<Recipient>];
        stop_message_live_location_inline[I](inline_message_id: I) -> StopMessageLiveLocationInline [I: Into<String>];
        edit_message_checklist[C](business_connection_id: BusinessConnectionId, chat_id: C, message_id: MessageId, checklist: InputChecklist) -> EditMessageChecklist [C: Into<ChatId>];
        send_venue[C, T, A](chat_id: C, latitude: f64, longitude: f64, title: T, address: A) -> SendVenue [C: Into<Recipient>, T: Into<String>, A: Into<String>];
        send_contact[C, P, F](chat_id: C, phone_number: P, first_name: F) -> SendContact [C: Into<Recipient>, P: Into<String>, F: Into<String>];
        send_poll[C, Q, O](chat_id: C, question: Q, options: O) -> SendPoll [C: Into<Recipient>, Q: Into<String>, O: IntoIterator<Item = InputPollOption>];
        send_checklist[C](business_connection_id: BusinessConnectionId, chat_id: C, checklist: InputChecklist) -> SendChecklist [C: Into<ChatId>];
        send_dice[C](chat_id: C) -> SendDice [C: Into<Recipient>];
        send_chat_action[C](chat_id: C, action: ChatAction) -> SendChatAction [C: Into<Recipient>];
        set_message_reaction[C](chat_id: C, message_id: MessageId) -> SetMessageReaction [C: Into<Recipient>];
        get_user_profile_photos[](user_id: UserId) -> GetUserProfilePhotos [];
        set_user_emoji_status[](user_id: UserId) -> SetUserEmojiStatus [];
        get_file[](file_id: FileId) -> GetFile [];
        ban_chat_member[C](chat_id: C, user_id: UserId) -> BanChatMember [C: Into<Recipient>];
        kick_chat_member[C](chat_id: C, user_id: UserId) -> KickChatMember [C: Into<Recipient>];
        unban_chat_member[C](chat_id: C, user_id: UserId) -> UnbanChatMember [C: Into<Recipient>];
        restrict_chat_member[C](chat_id: C, user_id: UserId, permissions: ChatPermissions) -> RestrictChatMember [C: Into<Recipient>];
        promote_chat_member[C](chat_id: C, user_id: UserId) -> PromoteChatMember [C: Into<Recipient>];
        set_chat_administrator_custom_title[Ch, C](chat_id: Ch, user_id: UserId, custom_title: C) -> SetChatAdministratorCustomTitle [Ch: Into<Recipient>, C: Into<String>];
        ban_chat_sender_chat[C, S](chat_id: C, sender_chat_id: S) -> BanChatSenderChat [C: Into<Recipient>, S: Into<ChatId>];
        unban_chat_sender_chat[C, S](chat_id: C, sender_chat_id: S) -> UnbanChatSenderChat [C: Into<Recipient>, S: Into<ChatId>];
        set_chat_permissions[C](chat_id: C, permissions: ChatPermissions) -> SetChatPermissions [C: Into<Recipient>];
        export_chat_invite_link[C](chat_id: C) -> ExportChatInviteLink [C: Into<Recipient>];
        create_chat_invite_link[C](chat_id: C) -> CreateChatInviteLink [C: Into<Recipient>];
        edit_chat_invite_link[C, I](chat_id: C, invite_link: I) -> EditChatInviteLink [C: Into<Recipient>, I: Into<String>];
        create_chat_subscription_invite_link[C](chat_id: C, subscription_period: Seconds, subscription_price: u32) -> CreateChatSubscriptionInviteLink [C: Into<Recipient>];
        edit_chat_subscription_invite_link[C, I](chat_id: C, invite_link: I) -> EditChatSubscriptionInviteLink [C: Into<Recipient>, I: Into<String>];
        revoke_chat_invite_link[C, I](chat_id: C, invite_link: I) -> RevokeChatInviteLink [C: Into<Recipient>, I: Into<String>];
        approve_chat_join_request[C](chat_id: C, user_id: UserId) -> ApproveChatJoinRequest [C: Into<Recipient>];
        decline_chat_join_request[C](chat_id: C, user_id: UserId) -> DeclineChatJoinRequest [C: Into<Recipient>];
        set_chat_photo[C](chat_id: C, photo: InputFile) -> SetChatPhoto [C: Into<Recipient>];
        delete_chat_photo[C](chat_id: C) -> DeleteChatPhoto [C: Into<Recipient>];
        set_chat_title[C, T](chat_id: C, title: T) -> SetChatTitle [C: Into<Recipient>, T: Into<String>];
        set_chat_description[C](chat_id: C) -> SetChatDescription [C: Into<Recipient>];
        pin_chat_message[C](chat_id: C, message_id: MessageId) -> PinChatMessage [C: Into<Recipient>];
        unpin_chat_message[C](chat_id: C) -> UnpinChatMessage [C: Into<Recipient>];
        unpin_all_chat_messages[C](chat_id: C) -> UnpinAllChatMessages [C: Into<Recipient>];
        leave_chat[C](chat_id: C) -> LeaveChat [C: Into<Recipient>];
        get_chat[C](chat_id: C) -> GetChat [C: Into<Recipient>];
        get_chat_administrators[C](chat_id: C) -> GetChatAdministrators [C: Into<Recipient>];
        get_chat_member_count[C](chat_id: C) -> GetChatMemberCount [C: Into<Recipient>];
        get_chat_members_count[C](chat_id: C) -> GetChatMembersCount [C: Into<Recipient>];
        get_chat_member[C](chat_id: C, user_id: UserId) -> GetChatMember [C: Into<Recipient>];
        set_chat_sticker_set[C, S](chat_id: C, sticker_set_name: S) -> SetChatStickerSet [C: Into<Recipient>, S: Into<String>];
        delete_chat_sticker_set[C](chat_id: C) -> DeleteChatStickerSet [C: Into<Recipient>];
        get_forum_topic_icon_stickers[]() -> GetForumTopicIconStickers [];
        create_forum_topic[C, N](chat_id: C, name: N) -> CreateForumTopic [C: Into<Recipient>, N: Into<String>];
        edit_forum_topic[C](chat_id: C, message_thread_id: ThreadId) -> EditForumTopic [C: Into<Recipient>];
        close_forum_topic[C](chat_id: C, message_thread_id: ThreadId) -> CloseForumTopic [C: Into<Recipient>];
        reopen_forum_topic[C](chat_id: C, message_thread_id: ThreadId) -> ReopenForumTopic [C: Into<Recipient>];
        delete_forum_topic[C](chat_id: C, message_thread_id: ThreadId) -> DeleteForumTopic [C: Into<Recipient>];
        unpin_all_forum_topic_messages[C](chat_id: C, message_thread_id: ThreadId) -> UnpinAllForumTopicMessages [C: Into<Recipient>];
        edit_general_forum_topic[C, N](chat_id: C, name: N) -> EditGeneralForumTopic [C: Into<Recipient>, N: Into<String>];
        close_general_forum_topic[C](chat_id: C) -> CloseGeneralForumTopic [C: Into<Recipient>];
        reopen_general_forum_topic[C](chat_id: C) -> ReopenGeneralForumTopic [C: Into<Recipient>];
        hide_general_forum_topic[C](chat_id: C) -> HideGeneralForumTopic [C: Into<Recipient>];
        unhide_general_forum_topic[C](chat_id: C) -> UnhideGeneralForumTopic [C: Into<Recipient>];
        unpin_all_general_forum_topic_messages[C](chat_id: C) -> UnpinAllGeneralForumTopicMessages [C: Into<Recipient>];
        answer_callback_query[](callback_query_id: CallbackQueryId) -> AnswerCallbackQuery [];
        get_user_chat_boosts[C](chat_id: C, user_id: UserId) -> GetUserChatBoosts [C: Into<Recipient>];
        set_my_commands[C](commands: C) -> SetMyCommands [C: IntoIterator<Item = BotCommand>];
        get_business_connection[](business_connection_id: BusinessConnectionId) -> GetBusinessConnection [];
        get_my_commands[]() -> GetMyCommands [];
        set_my_name[]() -> SetMyName [];
        get_my_name[]() -> GetMyName [];
        set_my_description[]() -> SetMyDescription [];
        get_my_description[]() -> GetMyDescription [];
        set_my_short_description[]() -> SetMyShortDescription [];
        get_my_short_description[]() -> GetMyShortDescription [];
        set_chat_menu_button[]() -> SetChatMenuButton [];
        get_chat_menu_button[]() -> GetChatMenuButton [];
        set_my_default_administrator_rights[]() -> SetMyDefaultAdministratorRights [];
        get_my_default_administrator_rights[]() -> GetMyDefaultAdministratorRights [];
        delete_my_commands[]() -> DeleteMyCommands [];
        answer_inline_query[R](inline_query_id: InlineQueryId, results: R) -> AnswerInlineQuery [R: IntoIterator<Item = InlineQueryResult>];
        answer_web_app_query[W](web_app_query_id: W, result: InlineQueryResult) -> AnswerWebAppQuery [W: Into<String>];
        save_prepared_inline_message[](user_id: UserId, result: InlineQueryResult) -> SavePreparedInlineMessage [];
        edit_message_text[C, T](chat_id: C, message_id: MessageId, text: T) -> EditMessageText [C: Into<Recipient>, T: Into<String>];
        edit_message_text_inline[I, T](inline_message_id: I, text: T) -> EditMessageTextInline [I: Into<String>, T: Into<String>];
        edit_message_caption[C](chat_id: C, message_id: MessageId) -> EditMessageCaption [C: Into<Recipient>];
        edit_message_caption_inline[I](inline_message_id: I) -> EditMessageCaptionInline [I: Into<String>];
        edit_message_media[C](chat_id: C, message_id: MessageId, media: InputMedia) -> EditMessageMedia [C: Into<Recipient>];
        edit_message_media_inline[I](inline_message_id: I, media: InputMedia) -> EditMessageMediaInline [I: Into<String>];
        edit_message_reply_markup[C](chat_id: C, message_id: MessageId) -> EditMessageReplyMarkup [C: Into<Recipient>];
        edit_message_reply_markup_inline[I](inline_message_id: I) -> EditMessageReplyMarkupInline [I: Into<String>];
        stop_poll[C](chat_id: C, message_id: MessageId) -> StopPoll [C: Into<Recipient>];
        delete_message[C](chat_id: C, message_id: MessageId) -> DeleteMessage [C: Into<Recipient>];
        delete_messages[C, M](chat_id: C, message_ids: M) -> DeleteMessages [C: Into<Recipient>, M: IntoIterator<Item = MessageId>];
        send_sticker[C](chat_id: C, sticker: InputFile) -> SendSticker [C: Into<Recipient>];
        get_sticker_set[N](name: N) -> GetStickerSet [N: Into<String>];
        get_custom_emoji_stickers[C](custom_emoji_ids: C) -> GetCustomEmojiStickers [C: IntoIterator<Item = CustomEmojiId>];
        upload_sticker_file[](user_id: UserId, sticker: InputFile, sticker_format: StickerFormat) -> UploadStickerFile [];
        create_new_sticker_set[N, T, S](user_id: UserId, name: N, title: T, stickers: S) -> CreateNewStickerSet [N: Into<String>, T: Into<String>, S: IntoIterator<Item = InputSticker>];
        add_sticker_to_set[N](user_id: UserId, name: N, sticker: InputSticker) -> AddStickerToSet [N: Into<String>];
        set_sticker_position_in_set[S](sticker: S, position: u32) -> SetStickerPositionInSet [S: Into<String>];
        delete_sticker_from_set[S](sticker: S) -> DeleteStickerFromSet [S: Into<String>];
        replace_sticker_in_set[N, O](user_id: UserId, name: N, old_sticker: O, sticker: InputSticker) -> ReplaceStickerInSet [N: Into<String>, O: Into<String>];
        set_sticker_set_thumbnail[N](name: N, user_id: UserId, format: StickerFormat) -> SetStickerSetThumbnail [N: Into<String>];
        set_custom_emoji_sticker_set_thumbnail[N](name: N) -> SetCustomEmojiStickerSetThumbnail [N: Into<String>];
        set_sticker_set_title[N, T](name: N, title: T) -> SetStickerSetTitle [N: Into<String>, T: Into<String>];
        delete_sticker_set[N](name: N) -> DeleteStickerSet [N: Into<String>];
        set_sticker_emoji_list[S, E](sticker: S, emoji_list: E) -> SetStickerEmojiList [S: Into<String>, E: IntoIterator<Item = String>];
        set_sticker_keywords[S](sticker: S) -> SetStickerKeywords [S: Into<String>];
        set_sticker_mask_position[S](sticker: S) -> SetStickerMaskPosition [S: Into<String>];
        get_available_gifts[]() -> GetAvailableGifts [];
        send_gift[](user_id: UserId, gift_id: GiftId) -> SendGift [];
        send_gift_chat[C](chat_id: C, gift_id: GiftId) -> SendGiftChat [C: Into<Recipient>];
        gift_premium_subscription[](user_id: UserId, month_count: u8, star_count: u32) -> GiftPremiumSubscription [];
        verify_user[](user_id: UserId) -> VerifyUser [];
        verify_chat[C](chat_id: C) -> VerifyChat [C: Into<Recipient>];
        remove_user_verification[](user_id: UserId) -> RemoveUserVerification [];
        remove_chat_verification[C](chat_id: C) -> RemoveChatVerification [C: Into<Recipient>];
        read_business_message[C](business_connection_id: BusinessConnectionId, chat_id: C, message_id: MessageId) -> ReadBusinessMessage [C: Into<ChatId>];
        delete_business_messages[M](business_connection_id: BusinessConnectionId, message_ids: M) -> DeleteBusinessMessages [M: IntoIterator<Item = MessageId>];
        set_business_account_name[F](business_connection_id: BusinessConnectionId, first_name: F) -> SetBusinessAccountName [F: Into<String>];
        set_business_account_username[](business_connection_id: BusinessConnectionId) -> SetBusinessAccountUsername [];
        set_business_account_bio[](business_connection_id: BusinessConnectionId) -> SetBusinessAccountBio [];
        set_business_account_profile_photo[](business_connection_id: BusinessConnectionId, photo: InputProfilePhoto) -> SetBusinessAccountProfilePhoto [];
        remove_business_account_profile_photo[](business_connection_id: BusinessConnectionId) -> RemoveBusinessAccountProfilePhoto [];
        set_business_account_gift_settings[](business_connection_id: BusinessConnectionId, show_gift_button: bool, accepted_gift_types: AcceptedGiftTypes) -> SetBusinessAccountGiftSettings [];
        get_business_account_star_balance[](business_connection_id: BusinessConnectionId) -> GetBusinessAccountStarBalance [];
        transfer_business_account_stars[](business_connection_id: BusinessConnectionId, star_count: u32) -> TransferBusinessAccountStars [];
        get_business_account_gifts[](business_connection_id: BusinessConnectionId) -> GetBusinessAccountGifts [];
        convert_gift_to_stars[](business_connection_id: BusinessConnectionId, owned_gift_id: OwnedGiftId) -> ConvertGiftToStars [];
        upgrade_gift[](business_connection_id: BusinessConnectionId, owned_gift_id: OwnedGiftId) -> UpgradeGift [];
        transfer_gift[N](business_connection_id: BusinessConnectionId, owned_gift_id: OwnedGiftId, new_owner_chat_id: N) -> TransferGift [N: Into<ChatId>];
        post_story[](business_connection_id: BusinessConnectionId, content: InputStoryContent, active_period: Seconds) -> PostStory [];
        edit_story[](business_connection_id: BusinessConnectionId, story_id: StoryId, content: InputStoryContent) -> EditStory [];
        delete_story[](business_connection_id: BusinessConnectionId, story_id: StoryId) -> DeleteStory [];
        send_invoice[Ch, T, D, Pa, C, P](chat_id: Ch, title: T, description: D, payload: Pa, currency: C, prices: P) -> SendInvoice [Ch: Into<Recipient>, T: Into<String>, D: Into<String>, Pa: Into<String>, C: Into<String>, P: IntoIterator<Item = LabeledPrice>];
        create_invoice_link[T, D, Pa, C, P](title: T, description: D, payload: Pa, currency: C, prices: P) -> CreateInvoiceLink [T: Into<String>, D: Into<String>, Pa: Into<String>, C: Into<String>, P: IntoIterator<Item = LabeledPrice>];
        answer_shipping_query[](shipping_query_id: ShippingQueryId, ok: bool) -> AnswerShippingQuery [];
        answer_pre_checkout_query[](pre_checkout_query_id: PreCheckoutQueryId, ok: bool) -> AnswerPreCheckoutQuery [];
        get_my_star_balance[]() -> GetMyStarBalance [];
        get_star_transactions[]() -> GetStarTransactions [];
        refund_star_payment[](user_id: UserId, telegram_payment_charge_id: TelegramTransactionId) -> RefundStarPayment [];
        edit_user_star_subscription[](user_id: UserId, telegram_payment_charge_id: TelegramTransactionId, is_canceled: bool) -> EditUserStarSubscription [];
        set_passport_data_errors[E](user_id: UserId, errors: E) -> SetPassportDataErrors [E: IntoIterator<Item = PassportElementError>];
        send_game[C, G](chat_id: C, game_short_name: G) -> SendGame [C: Into<ChatId>, G: Into<String>];
        set_game_score[](user_id: UserId, score: u64, chat_id: u32, message_id: MessageId) -> SetGameScore [];
        set_game_score_inline[I](user_id: UserId, score: u64, inline_message_id: I) -> SetGameScoreInline [I: Into<String>];
        get_game_high_scores[T](user_id: UserId, target: T) -> GetGameHighScores [T: Into<TargetMessage>];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_pacer_spaces_sends_evenly() {
        let pacer = Pacer::new(30);
        let start = tokio::time::Instant::now();
        for _ in 0..31 {
            pacer.wait().await;
        }
        // 31 sends at 30 a second: the last goes out one second after the first.
        assert_eq!(tokio::time::Instant::now() - start, Duration::from_secs(1));
        let off = Pacer::new(0);
        let t = tokio::time::Instant::now();
        for _ in 0..100 {
            off.wait().await;
        }
        assert_eq!(tokio::time::Instant::now(), t);
    }

    #[test]
    fn only_sends_are_paced() {
        assert!(is_send("SendMessage"));
        assert!(is_send("sendDocument"));
        assert!(is_send("CopyMessage"));
        assert!(!is_send("EditMessageText"));
        assert!(!is_send("AnswerCallbackQuery"));
        assert!(!is_send("GetUpdates"));
    }

    #[test]
    fn pauses_double_up_to_their_cap() {
        let p = Policy::default();
        let secs: Vec<u64> = (0..7).map(|n| p.backoff(n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(p.poll_backoff(10).as_secs(), 64);
        assert_eq!(p.backoff(u32::MAX), p.max_backoff);
    }

    fn invalid_json(raw: &str) -> RequestError {
        RequestError::InvalidJson {
            source: Arc::new(serde_json::from_str::<serde_json::Value>("{").unwrap_err()),
            raw: raw.into(),
        }
    }

    #[test]
    fn faults_are_sorted() {
        assert_eq!(
            fault(&RequestError::RetryAfter(Seconds::from_seconds(3))),
            Fault::RateLimited(Duration::from_secs(3))
        );
        for d in ["Internal Server Error", "Bad Gateway", "Gateway Timeout"] {
            let e = RequestError::Api(ApiError::Unknown(d.into()));
            assert_eq!(fault(&e), Fault::Transient, "{d}");
        }
        let e = RequestError::Api(ApiError::Unknown("Bad Request: something new".into()));
        assert_eq!(fault(&e), Fault::Final);
        assert_eq!(
            fault(&RequestError::Api(ApiError::BotBlocked)),
            Fault::Final
        );
        // A proxy's error page is worth another try; a done request that did not parse is not.
        assert_eq!(
            fault(&invalid_json("<html>502 Bad Gateway</html>")),
            Fault::Transient
        );
        assert_eq!(
            fault(&invalid_json(r#"{"ok":true,"result":{"new":1}}"#)),
            Fault::Final
        );
    }

    #[test]
    fn failed_sends_are_sorted_by_what_they_mean_for_the_recipient() {
        let api = |e: ApiError| RequestError::Api(e);
        for e in [
            api(ApiError::BotBlocked),
            api(ApiError::ChatNotFound),
            api(ApiError::UserDeactivated),
            api(ApiError::CantInitiateConversation),
            api(ApiError::Unknown("Forbidden: something new".into())),
        ] {
            assert_eq!(delivery(&e), Delivery::Unreachable, "{e}");
        }
        for e in [
            api(ApiError::Unknown("Internal Server Error".into())),
            RequestError::RetryAfter(Seconds::from_seconds(300)),
            invalid_json("<html>502 Bad Gateway</html>"),
        ] {
            assert_eq!(delivery(&e), Delivery::Transient, "{e}");
        }
        assert_eq!(
            delivery(&api(ApiError::MessageIsTooLong)),
            Delivery::Refused
        );
    }

    #[test]
    fn edits_with_nothing_to_do_are_harmless() {
        assert!(is_harmless_edit_error(&RequestError::Api(
            ApiError::MessageNotModified
        )));
        assert!(is_harmless_edit_error(&RequestError::Api(
            ApiError::MessageToEditNotFound
        )));
        assert!(!is_harmless_edit_error(&RequestError::Api(
            ApiError::BotBlocked
        )));
    }

    #[test]
    fn debug_does_not_show_the_token() {
        let bot = Retry::new(
            Bot::new("7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q"),
            Policy::default(),
        );
        let shown = format!("{bot:?}");
        assert!(!shown.contains("AAHdqTcv"), "{shown}");
    }
}
