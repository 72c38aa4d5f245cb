//! The command line's `registry import FILE`: the one part of the Registry that does IO (it
//! reads the file and writes the database).

use super::text::plain;
use super::{describe_error, describe_plan, parse};
use crate::domain::Lang;
use crate::i18n::I18n;
use crate::tr;

/// The command line's `registry import FILE`: the same check and plan as in chat, applied
/// only with `apply` (else a dry run). Returns the text to print (Russian, without HTML),
/// or the reason the file was refused.
pub async fn import_file(
    i: &I18n,
    pool: &sqlx::SqlitePool,
    path: &std::path::Path,
    apply: bool,
) -> Result<String, String> {
    let lang = Lang::Ru;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let entries = parse(&bytes).map_err(|e| plain(&describe_error(i, lang, &e, &esc)))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let now = chrono::Utc::now();
    let err = |e: sqlx::Error| e.to_string();
    let staged = crate::db::registry::stage(pool, None, &name, &entries, now)
        .await
        .map_err(err)?;
    let mut out = plain(&describe_plan(
        i,
        lang,
        &name,
        entries.len(),
        &staged.plan,
        &esc,
    ));
    if staged.plan.is_empty() || !apply {
        crate::db::registry::discard(pool, staged.upload_id, None, now)
            .await
            .map_err(err)?;
        if !staged.plan.is_empty() {
            out.push_str("\n\n");
            out.push_str(&tr!(i, lang, "registry-cli-dry-run"));
        }
        return Ok(out);
    }
    match crate::db::registry::apply(pool, staged.upload_id, None, now)
        .await
        .map_err(err)?
    {
        Ok(a) => {
            let p = &a.plan;
            out.push_str("\n\n");
            out.push_str(&tr!(
                i,
                lang,
                "registry-cli-applied",
                added = p.added.len(),
                returned = p.returned.len(),
                updated = p.updated.len(),
                removed = p.removed.len(),
                divisions = p.new_divisions.len()
            ));
            Ok(out)
        }
        Err(_) => Err(tr!(i, lang, "registry-stale")),
    }
}
