//! How a row of the list looks in chat: the six columns as they will stand in the list
//! (HTML, every typed text escaped), and the same with old → new for a change.

use super::esc;
use crate::bot::app::App;
use crate::db;
use crate::domain::{Channel, Clients, Direction, Kind, Lang, Need, Row, TouchpointData};
use crate::tr;

/// The columns of a row, complete or not (a draft).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    pub direction: Option<Direction>,
    /// Name, Registry code, whether it is in the Registry.
    pub function: Option<(String, Option<String>, bool)>,
    pub kind: Option<Kind>,
    pub channel: Option<Channel>,
    pub point: Option<String>,
    pub needs: Vec<Need>,
    pub other_need: Option<String>,
    pub features: Option<Option<String>>,
    pub clients: Option<Clients>,
    /// 3.5: little used, or no records of contacts.
    pub little_used: bool,
}

impl View {
    pub fn of_row(row: &Row) -> View {
        let d = &row.data;
        View {
            direction: Some(d.direction),
            function: Some((
                row.function_name.clone(),
                row.function_code.clone(),
                row.function_in_registry,
            )),
            kind: Some(d.kind),
            channel: Some(d.channel),
            point: Some(d.point.clone()),
            needs: d.needs.iter().copied().collect(),
            other_need: d.other_need.clone(),
            features: Some(d.features.clone()),
            clients: Some(d.clients),
            little_used: d.little_used,
        }
    }
}

/// A view of proposed data, its function looked up.
pub async fn view_of(app: &App, data: &TouchpointData) -> Result<View, sqlx::Error> {
    let function = db::functions::get(&app.pool, data.function_id)
        .await?
        .map(|f| (f.name, f.code, f.in_registry));
    Ok(View {
        direction: Some(data.direction),
        function,
        kind: Some(data.kind),
        channel: Some(data.channel),
        point: Some(data.point.clone()),
        needs: data.needs.iter().copied().collect(),
        other_need: data.other_need.clone(),
        features: Some(data.features.clone()),
        clients: Some(data.clients),
        little_used: data.little_used,
    })
}

/// The values of the lines, in order: columns 2–6, then clients.
fn values(app: &App, lang: Lang, v: &View) -> [String; 6] {
    let dash = || "—".to_string();
    let direction = v
        .direction
        .map(|d| app.i18n.label(lang, &d.locale_key()))
        .unwrap_or_else(dash);
    let function = match &v.function {
        None => dash(),
        Some((name, code, in_registry)) => {
            let mut s = esc(name);
            if let Some(c) = code {
                s.push_str(&format!(" ({})", esc(c)));
            }
            if !in_registry {
                s.push_str(&format!(" — {}", tr!(app.i18n, lang, "not-in-registry")));
            }
            s
        }
    };
    let point = match (v.kind, &v.point) {
        (None, None) => dash(),
        (kind, point) => {
            let mut s = kind
                .map(|k| app.i18n.label(lang, &k.locale_key()))
                .unwrap_or_else(dash);
            s.push_str(" — ");
            s.push_str(&point.as_deref().map(esc).unwrap_or_else(dash));
            if let Some(c) = v.channel {
                s.push_str(&format!(" ({})", channel_label(app, lang, c)));
            }
            s
        }
    };
    let needs = if v.needs.is_empty() {
        dash()
    } else {
        v.needs
            .iter()
            .map(|n| {
                let label = app.i18n.label(lang, &n.locale_key());
                match (n, &v.other_need) {
                    (Need::Other, Some(t)) => format!("{label}: {}", esc(t)),
                    _ => label,
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let features = match &v.features {
        None => dash(),
        Some(None) => tr!(app.i18n, lang, "features-none"),
        Some(Some(t)) => esc(t),
    };
    let clients = v
        .clients
        .map(|c| clients_label(app, lang, c))
        .unwrap_or_else(dash);
    [direction, function, point, needs, features, clients]
}

pub fn channel_label(app: &App, lang: Lang, c: Channel) -> String {
    match c {
        Channel::Digital => tr!(app.i18n, lang, "channel-digital"),
        Channel::Offline => tr!(app.i18n, lang, "channel-offline"),
    }
}

pub fn clients_label(app: &App, lang: Lang, c: Clients) -> String {
    match c {
        Clients::External => tr!(app.i18n, lang, "clients-external"),
        Clients::Internal => tr!(app.i18n, lang, "clients-internal"),
        Clients::Both => tr!(app.i18n, lang, "clients-both"),
    }
}

fn line_labels(app: &App, lang: Lang) -> [String; 6] {
    [
        tr!(app.i18n, lang, "col-2"),
        tr!(app.i18n, lang, "col-3"),
        tr!(app.i18n, lang, "col-4"),
        tr!(app.i18n, lang, "col-5"),
        tr!(app.i18n, lang, "col-6"),
        tr!(app.i18n, lang, "col-clients"),
    ]
}

/// The six lines of a row, and the little-used note (3.5) when it is set.
pub fn lines(app: &App, lang: Lang, v: &View) -> String {
    let mut out: Vec<String> = line_labels(app, lang)
        .iter()
        .zip(values(app, lang, v))
        .map(|(label, value)| format!("<b>{label}</b> {value}"))
        .collect();
    if v.little_used {
        out.push(little_used_line(app, lang, None, true));
    }
    out.join("\n")
}

fn little_used_line(app: &App, lang: Lang, old: Option<bool>, new: bool) -> String {
    let label = tr!(app.i18n, lang, "col-little-used");
    let word = |b: bool| {
        if b {
            tr!(app.i18n, lang, "little-used-yes")
        } else {
            tr!(app.i18n, lang, "little-used-no")
        }
    };
    match old {
        Some(o) if o != new => format!("<b>{label}</b> <s>{}</s> → <u>{}</u>", word(o), word(new)),
        _ => format!("<b>{label}</b> {}", word(new)),
    }
}

/// The six lines, with `old → new` where a value changes.
pub fn diff_lines(app: &App, lang: Lang, old: &View, new: &View) -> String {
    let mut out: Vec<String> = line_labels(app, lang)
        .iter()
        .zip(
            values(app, lang, old)
                .into_iter()
                .zip(values(app, lang, new)),
        )
        .map(|(label, (o, n))| {
            if o == n {
                format!("<b>{label}</b> {n}")
            } else {
                format!("<b>{label}</b> <s>{o}</s> → <u>{n}</u>")
            }
        })
        .collect();
    if old.little_used || new.little_used {
        out.push(little_used_line(
            app,
            lang,
            Some(old.little_used),
            new.little_used,
        ));
    }
    out.join("\n")
}

/// Only the lines whose value differs, as `old → new`; `None` when nothing differs.
pub fn changed_lines(app: &App, lang: Lang, old: &View, new: &View) -> Option<String> {
    let mut out: Vec<String> = line_labels(app, lang)
        .iter()
        .zip(
            values(app, lang, old)
                .into_iter()
                .zip(values(app, lang, new)),
        )
        .filter(|(_, (o, n))| o != n)
        .map(|(label, (o, n))| format!("<b>{label}</b> <s>{o}</s> → <u>{n}</u>"))
        .collect();
    if old.little_used != new.little_used {
        out.push(little_used_line(
            app,
            lang,
            Some(old.little_used),
            new.little_used,
        ));
    }
    (!out.is_empty()).then(|| out.join("\n"))
}
