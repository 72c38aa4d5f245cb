//! The command line's `list import FILE [--yes]`: the one part that does IO (it reads the
//! file and writes the database).

use super::{describe_error, describe_plan, describe_rows, parse};
use crate::db::list_import::{self, Refused};
use crate::domain::Lang;
use crate::i18n::I18n;
use crate::registry::plain;
use crate::tr;

/// The same check and preview as in chat, applied only with `apply` (else a dry run).
/// Returns the text to print (Russian, without HTML), or why the file was refused.
pub async fn import_file(
    i: &I18n,
    pool: &sqlx::SqlitePool,
    path: &std::path::Path,
    apply: bool,
) -> Result<String, String> {
    let lang = Lang::Ru;
    let same = |s: &str| s.to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let parsed = tokio::task::spawn_blocking(move || parse(&bytes))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| plain(&describe_error(i, lang, &e, &same)))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let now = chrono::Utc::now();
    let err = |e: sqlx::Error| e.to_string();
    let bad_rows = |bad: &[super::RowError]| {
        let title = tr!(i, lang, "list-import-error-rows", count = bad.len());
        plain(&describe_rows(i, lang, title, bad, &same))
    };
    let staged = match list_import::stage(pool, None, &name, &parsed.rows, now)
        .await
        .map_err(err)?
    {
        Ok(s) => s,
        Err(bad) => return Err(bad_rows(&bad)),
    };
    let mut out = plain(&describe_plan(
        i,
        lang,
        &name,
        staged.rows,
        &staged.plan,
        staged.clients,
        &same,
    ));
    if staged.plan.adds.is_empty() || !apply {
        list_import::discard(pool, staged.upload_id, None, now)
            .await
            .map_err(err)?;
        if !staged.plan.adds.is_empty() {
            out.push_str("\n\n");
            out.push_str(&tr!(i, lang, "list-import-cli-dry-run"));
        }
        return Ok(out);
    }
    match list_import::apply(pool, staged.upload_id, None, now)
        .await
        .map_err(err)?
    {
        Ok(a) => {
            out.push_str("\n\n");
            out.push_str(&plain(&tr!(
                i,
                lang,
                "list-import-applied",
                file = a.file_name.as_str(),
                added = a.row_ids.len(),
                skipped = a.plan.skipped.len()
            )));
            Ok(out)
        }
        Err(Refused::Changed(bad)) => Err(bad_rows(&bad)),
        Err(Refused::NotFound | Refused::Decided(_)) => Err(tr!(i, lang, "list-import-stale")),
    }
}
