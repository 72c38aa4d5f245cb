//! A step's question: its text and buttons, drawn from the draft and what the database
//! says now.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::{btn, cancel_row, current_row, paged, Ctx};
use crate::bot::app::HandlerError;
use crate::bot::callback::{CallbackData, ReportCb};
use crate::bot::state::{Draft, Field, Mode, Step};
use crate::bot::ui::card::{self, View};
use crate::bot::ui::esc;
use crate::db;
use crate::domain::touchpoint::{
    MAX_FEATURES, MAX_FUNCTION_NAME, MAX_OTHER_NEED, MAX_POINT, MAX_REASON,
};
use crate::domain::{Channel, Clients, Direction, Kind, Need, ReasonKind};
use crate::tr;

/// The locale key of a field's name.
pub(super) fn field_key(f: Field) -> String {
    format!("field-{}", f.code())
}

/// The question of a step: its text and buttons.
pub(super) async fn screen(
    ctx: &Ctx<'_>,
    d: &Draft,
) -> Result<(String, InlineKeyboardMarkup), HandlerError> {
    let app = ctx.app;
    let lang = ctx.lang();
    let i = &app.i18n;
    let mut rows: Vec<Vec<InlineKeyboardButton>> = vec![];
    let text = match d.step {
        Step::Division => {
            let items = db::divisions::list(&app.pool)
                .await?
                .into_iter()
                .map(|dv| btn(dv.name, ReportCb::Division(dv.id)))
                .collect();
            rows.extend(paged(app, lang, items, d.page));
            tr!(i, lang, "ask-division")
        }
        Step::Direction => {
            for dir in Direction::ALL {
                rows.push(vec![btn(
                    i.label(lang, &dir.locale_key()),
                    ReportCb::Direction(*dir),
                )]);
            }
            let title = match d.mode {
                Mode::New => tr!(i, lang, "new-title") + "\n\n",
                _ => String::new(),
            };
            format!("{title}{}", tr!(i, lang, "ask-direction"))
        }
        Step::Function => {
            let (Some(division), Some(direction)) = (d.division_id, d.direction) else {
                return Err("function step without division or direction".into());
            };
            let functions = db::functions::for_division(&app.pool, division, direction).await?;
            let empty = functions.is_empty();
            let items = functions
                .into_iter()
                .map(|f| {
                    let label = match &f.code {
                        Some(c) => format!("{} ({c})", f.name),
                        None => f.name.clone(),
                    };
                    btn(label, ReportCb::Function(f.id))
                })
                .collect();
            rows.extend(paged(app, lang, items, d.page));
            rows.push(vec![btn(
                tr!(i, lang, "btn-type-function"),
                ReportCb::TypeFunction,
            )]);
            if empty {
                tr!(
                    i,
                    lang,
                    "ask-function-empty",
                    direction = i.label(lang, &direction.locale_key())
                )
            } else {
                tr!(i, lang, "ask-function")
            }
        }
        Step::FunctionName => tr!(i, lang, "ask-function-name", max = MAX_FUNCTION_NAME),
        Step::Kind => {
            for k in Kind::ALL {
                rows.push(vec![btn(
                    i.label(lang, &k.locale_key()),
                    ReportCb::Kind(*k),
                )]);
            }
            tr!(i, lang, "ask-kind")
        }
        Step::Channel => {
            rows.push(vec![
                btn(
                    card::channel_label(app, lang, Channel::Digital),
                    ReportCb::Channel(Channel::Digital),
                ),
                btn(
                    card::channel_label(app, lang, Channel::Offline),
                    ReportCb::Channel(Channel::Offline),
                ),
            ]);
            let kind = d
                .kind
                .map(|k| i.label(lang, &k.locale_key()))
                .unwrap_or_default();
            tr!(i, lang, "ask-channel", kind = kind)
        }
        Step::Point => {
            let kind = d
                .kind
                .map(|k| i.label(lang, &k.locale_key()))
                .unwrap_or_default();
            tr!(i, lang, "ask-point", kind = kind, max = MAX_POINT)
        }
        Step::Needs => {
            for n in Need::ALL {
                let mark = if d.needs.contains(n) { "✅" } else { "▫️" };
                rows.push(vec![btn(
                    format!("{mark} {}", i.label(lang, &n.locale_key())),
                    ReportCb::ToggleNeed(*n),
                )]);
            }
            rows.push(vec![btn(tr!(i, lang, "btn-done"), ReportCb::NeedsDone)]);
            tr!(i, lang, "ask-needs", chosen = d.needs.len())
        }
        Step::OtherNeed => tr!(i, lang, "ask-other-need", max = MAX_OTHER_NEED),
        Step::Features => {
            rows.push(vec![btn(
                tr!(i, lang, "btn-no-features"),
                ReportCb::NoFeatures,
            )]);
            tr!(i, lang, "ask-features", max = MAX_FEATURES)
        }
        Step::Clients => {
            for c in Clients::ALL {
                rows.push(vec![btn(
                    card::clients_label(app, lang, *c),
                    ReportCb::Clients(*c),
                )]);
            }
            tr!(i, lang, "ask-clients")
        }
        Step::Summary => {
            let (text, can_send) = summary(ctx, d).await?;
            let mut row = vec![];
            if can_send {
                row.push(btn(tr!(i, lang, "btn-send"), ReportCb::Send));
            }
            row.push(btn(tr!(i, lang, "btn-edit"), ReportCb::Edit));
            row.push(btn(tr!(i, lang, "btn-cancel"), CallbackData::Cancel));
            let mut rows = vec![];
            if d.mode != Mode::Exclude {
                let key = if d.little_used {
                    "btn-little-used-on"
                } else {
                    "btn-little-used-off"
                };
                rows.push(vec![btn(i.label(lang, key), ReportCb::LittleUsed)]);
            }
            rows.push(row);
            return Ok((text, InlineKeyboardMarkup::new(rows)));
        }
        Step::EditWhich => {
            for f in Field::editable(d.mode) {
                let key = field_key(*f);
                rows.push(vec![btn(i.label(lang, &key), ReportCb::EditField(*f))]);
            }
            rows.push(vec![btn(tr!(i, lang, "btn-back"), ReportCb::Back)]);
            match d.mode {
                Mode::Change => {
                    let row = current_row(ctx, d).await?;
                    let lines = row
                        .as_ref()
                        .map(|r| card::lines(app, lang, &View::of_row(r)))
                        .unwrap_or_default();
                    tr!(i, lang, "ask-change-what", row = lines)
                }
                _ => tr!(i, lang, "ask-edit-which"),
            }
        }
        Step::Duplicate => {
            let text = if let Some(row_id) = d.duplicate_row {
                let row = db::touchpoints::get(&app.pool, row_id).await?;
                let lines = row
                    .as_ref()
                    .map(|r| card::lines(app, lang, &View::of_row(r)))
                    .unwrap_or_default();
                rows.push(vec![btn(
                    tr!(i, lang, "btn-change-needs"),
                    ReportCb::ChangeNeedsOf(row_id),
                )]);
                tr!(i, lang, "duplicate-row", row = lines)
            } else {
                tr!(
                    i,
                    lang,
                    "duplicate-pending",
                    id = d.duplicate_request.unwrap_or_default()
                )
            };
            rows.push(vec![btn(
                tr!(i, lang, "btn-other-point"),
                ReportCb::OtherPoint,
            )]);
            text
        }
        Step::PickDirection => {
            let division = d.division_id.unwrap_or_default();
            let all = db::touchpoints::list_active(&app.pool, division_filter(division)).await?;
            if all.is_empty() {
                tr!(i, lang, "no-rows")
            } else {
                for dir in Direction::ALL {
                    let n = all.iter().filter(|r| r.data.direction == *dir).count();
                    if n > 0 {
                        let label = format!("{} ({n})", i.label(lang, &dir.locale_key()));
                        rows.push(vec![btn(label, ReportCb::Direction(*dir))]);
                    }
                }
                pick_title(ctx, d) + &tr!(i, lang, "ask-pick-direction")
            }
        }
        Step::PickFunction => {
            let (Some(division), Some(direction)) = (d.division_id, d.pick_direction) else {
                return Err("pick function without division or direction".into());
            };
            let items = db::functions::with_rows(&app.pool, division, direction)
                .await?
                .into_iter()
                .map(|f| btn(f.name, ReportCb::Function(f.id)))
                .collect();
            rows.extend(paged(app, lang, items, d.page));
            pick_title(ctx, d) + &tr!(i, lang, "ask-pick-function")
        }
        Step::PickRow => {
            let found = picked_rows(ctx, d).await?;
            let empty = found.is_empty();
            let items = found
                .into_iter()
                .map(|r| {
                    let label = format!(
                        "{} — {}",
                        i.label(lang, &r.data.kind.locale_key()),
                        r.data.point
                    );
                    btn(label, ReportCb::Row(r.id))
                })
                .collect();
            rows.extend(paged(app, lang, items, d.page));
            match (&d.search, empty) {
                (Some(s), true) => tr!(i, lang, "search-none", text = esc(s)),
                (Some(s), false) => {
                    pick_title(ctx, d) + &tr!(i, lang, "search-found", text = esc(s))
                }
                (None, _) => pick_title(ctx, d) + &tr!(i, lang, "ask-pick-row"),
            }
        }
        Step::ExcludeReason => {
            let row = current_row(ctx, d).await?;
            let lines = row
                .as_ref()
                .map(|r| card::lines(app, lang, &View::of_row(r)))
                .unwrap_or_default();
            rows.push(vec![btn(
                tr!(i, lang, "reason-registry"),
                ReportCb::ExcludeReason(ReasonKind::Registry),
            )]);
            rows.push(vec![btn(
                tr!(i, lang, "reason-other"),
                ReportCb::ExcludeReason(ReasonKind::Other),
            )]);
            tr!(i, lang, "ask-exclude-reason", row = lines)
        }
        Step::ExcludeReasonText => tr!(i, lang, "ask-exclude-reason-text", max = MAX_REASON),
    };
    rows.push(cancel_row(app, lang));
    Ok((text, InlineKeyboardMarkup::new(rows)))
}

fn division_filter(division: i64) -> db::touchpoints::Filter {
    db::touchpoints::Filter {
        direction: None,
        division_id: Some(division),
    }
}

fn pick_title(ctx: &Ctx<'_>, d: &Draft) -> String {
    let title = match d.mode {
        Mode::Exclude => tr!(ctx.app.i18n, ctx.lang(), "exclude-title"),
        _ => tr!(ctx.app.i18n, ctx.lang(), "change-title"),
    };
    title + "\n\n"
}

/// The rows offered when choosing: those of the chosen function, or those matching the
/// typed text (in the point, the function's name or its code; case does not matter).
async fn picked_rows(ctx: &Ctx<'_>, d: &Draft) -> Result<Vec<crate::domain::Row>, sqlx::Error> {
    let division = d.division_id.unwrap_or_default();
    let rows = db::touchpoints::list_active(&ctx.app.pool, division_filter(division)).await?;
    Ok(match (&d.search, d.pick_function) {
        (Some(s), _) => {
            let needle = s.to_lowercase();
            rows.into_iter()
                .filter(|r| {
                    r.data.point.to_lowercase().contains(&needle)
                        || r.function_name.to_lowercase().contains(&needle)
                        || r.function_code
                            .as_deref()
                            .is_some_and(|c| c.to_lowercase().contains(&needle))
                })
                .collect()
        }
        (None, Some(f)) => rows
            .into_iter()
            .filter(|r| r.data.function_id == f)
            .collect(),
        (None, None) => vec![],
    })
}

/// The view of a draft, with its function looked up.
async fn draft_view(ctx: &Ctx<'_>, d: &Draft) -> Result<View, sqlx::Error> {
    let function = match (d.function_id, &d.function_name) {
        (Some(id), _) => db::functions::get(&ctx.app.pool, id)
            .await?
            .map(|f| (f.name, f.code, f.in_registry)),
        (None, Some(name)) => Some((name.clone(), None, false)),
        (None, None) => None,
    };
    Ok(View {
        direction: d.direction,
        function,
        kind: d.kind,
        channel: d.channel,
        point: d.point.clone(),
        needs: d.needs.iter().copied().collect(),
        other_need: d.other_need.clone(),
        features: d.features.clone(),
        clients: d.clients,
        little_used: d.little_used,
    })
}

/// The summary card's text (with what the draft corrects or restores above it), and
/// whether it can be sent.
async fn summary(ctx: &Ctx<'_>, d: &Draft) -> Result<(String, bool), HandlerError> {
    let app = ctx.app;
    let lang = ctx.lang();
    let i = &app.i18n;
    let mut head = String::new();
    if let Some(id) = d.rework_of {
        let note = db::requests::get(&app.pool, id)
            .await?
            .and_then(|r| r.decision_note)
            .unwrap_or_default();
        head = tr!(i, lang, "summary-rework", id = id, note = esc(&note)) + "\n\n";
    } else if let (Some(version), Some(row)) = (d.restore_version, d.row_id) {
        head = match d.mode {
            Mode::New => tr!(
                i,
                lang,
                "summary-restore-back",
                row = row,
                version = version
            ),
            _ => tr!(i, lang, "summary-restore", row = row, version = version),
        } + "\n\n";
    }
    let (text, can_send) = summary_body(ctx, d).await?;
    Ok((head + &text, can_send))
}

async fn summary_body(ctx: &Ctx<'_>, d: &Draft) -> Result<(String, bool), HandlerError> {
    let app = ctx.app;
    let lang = ctx.lang();
    let i = &app.i18n;
    let new = draft_view(ctx, d).await?;
    Ok(match d.mode {
        Mode::New => (
            tr!(i, lang, "summary-new", lines = card::lines(app, lang, &new)),
            true,
        ),
        Mode::Change => {
            let Some(row) = current_row(ctx, d).await? else {
                return Ok((tr!(i, lang, "row-gone"), false));
            };
            let old = View::of_row(&row);
            if old == new {
                (
                    tr!(
                        i,
                        lang,
                        "summary-unchanged",
                        lines = card::lines(app, lang, &old)
                    ),
                    false,
                )
            } else {
                (
                    tr!(
                        i,
                        lang,
                        "summary-change",
                        lines = card::diff_lines(app, lang, &old, &new)
                    ),
                    true,
                )
            }
        }
        Mode::Exclude => {
            let Some(row) = current_row(ctx, d).await? else {
                return Ok((tr!(i, lang, "row-gone"), false));
            };
            let reason = match (d.reason_kind, &d.reason_text) {
                (Some(ReasonKind::Registry), _) => tr!(i, lang, "reason-registry"),
                (_, Some(t)) => esc(t),
                _ => "—".to_string(),
            };
            let lines = card::lines(app, lang, &View::of_row(&row));
            (
                tr!(i, lang, "summary-exclude", lines = lines, reason = reason),
                true,
            )
        }
    })
}
