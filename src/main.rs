//! Thin: settings → database (connect + migrate) → the bot, or the list to a file
//! (`export`), or a file loaded (`registry import`, `list import`). One exit point.

use std::process::ExitCode;

use clap::Parser;
use touchpoints::config::{Cli, Command, ListCommand, RegistryCommand};
use touchpoints::{bot, db, export, ops};

fn main() -> ExitCode {
    one_malloc_arena();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("touchpoints: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async_main())
}

/// glibc's malloc gives threads arenas of their own (up to 8 per core), and each keeps the
/// memory freed in it. The bot's work is waiting on the network, its threads many (tokio's,
/// and one per SQLite connection of the pool): with one arena it holds about 2 MiB less
/// with 1,000 dialogues open (BENCHMARKS.md, whose per-update figures are taken with it).
/// Set before any thread starts; `MALLOC_ARENA_MAX` in the environment still decides.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a malloc parameter; called before any other thread
        // exists, so no allocation races with it.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
    }
}

async fn async_main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("touchpoints: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => {
            // Check the token before touching the database: a missing one is the commonest
            // first-start mistake and deserves the first word.
            settings.require_token()?;
            cli.webhook.check_secret()?;
            let pool = db::connect(&settings.db)
                .await
                .map_err(|e| format!("database {}: {e}", settings.db.display()))?;
            if let Some(dir) = &cli.backups.dir {
                ops::spawn_daily_backups(settings.db.clone(), dir.clone(), cli.backups.keep)
                    .await?;
            }
            bot::run(&settings, &cli.webhook, pool).await
        }
        Command::Backup { output } => {
            let done = ops::backup(&settings.db, &output).await?;
            println!("{}: {} bytes", done.path.display(), done.bytes);
            Ok(())
        }
        Command::Check { offline } => {
            let found = ops::check(ops::CheckOf {
                settings: &settings,
                webhook: &cli.webhook,
                backups: &cli.backups,
                online: !offline,
            })
            .await;
            print!("{}", found.render());
            match found.problems.len() {
                0 => Ok(()),
                n => Err(format!("check found {n} problem(s)")),
            }
        }
        Command::Registry {
            action: RegistryCommand::Import { file, yes },
        } => {
            let pool = db::connect(&settings.db)
                .await
                .map_err(|e| format!("database {}: {e}", settings.db.display()))?;
            let i18n = touchpoints::i18n::I18n::load()?;
            let text = touchpoints::registry::import_file(&i18n, &pool, &file, yes).await?;
            println!("{text}");
            Ok(())
        }
        Command::Changes {
            from,
            to,
            format,
            output,
        } => {
            use touchpoints::export::changes::{self, Request, DATE};
            use touchpoints::tr;
            let offset = settings.reminders.offset;
            let to = to.unwrap_or_else(|| changes::today(offset));
            let i = touchpoints::i18n::I18n::load()?;
            let lang = touchpoints::domain::Lang::Ru;
            if from > to {
                return Err(tr!(
                    i,
                    lang,
                    "changes-reversed",
                    from = from.format(DATE).to_string(),
                    to = to.format(DATE).to_string()
                ));
            }
            let req = Request { format, from, to };
            let pool = db::connect(&settings.db)
                .await
                .map_err(|e| format!("database {}: {e}", settings.db.display()))?;
            let done = changes::changes_to_file(&pool, &i, lang, offset, &req, &output)
                .await
                .map_err(|e| e.to_string())?;
            match done {
                Some(w) => println!(
                    "{}",
                    tr!(
                        i,
                        lang,
                        "changes-cli-written",
                        path = w.path.display().to_string(),
                        changes = tr!(i, lang, "changes-count", count = w.changes),
                        bytes = w.bytes
                    )
                ),
                None => println!(
                    "{}",
                    tr!(
                        i,
                        lang,
                        "changes-cli-none",
                        from = from.format(DATE).to_string(),
                        to = to.format(DATE).to_string()
                    )
                ),
            }
            Ok(())
        }
        Command::List {
            action: ListCommand::Import { file, yes },
        } => {
            let pool = db::connect(&settings.db)
                .await
                .map_err(|e| format!("database {}: {e}", settings.db.display()))?;
            let i18n = touchpoints::i18n::I18n::load()?;
            let text = touchpoints::listfile::import_file(&i18n, &pool, &file, yes).await?;
            println!("{text}");
            Ok(())
        }
        Command::Export {
            format,
            direction,
            division,
            output,
            at,
        } => {
            let pool = db::connect(&settings.db)
                .await
                .map_err(|e| format!("database {}: {e}", settings.db.display()))?;
            let done = export::export_to_file(
                &pool,
                &export::FileExport {
                    format,
                    direction,
                    division: division.as_deref(),
                    output: &output,
                    made_on: chrono::Utc::now()
                        .with_timezone(&settings.reminders.offset)
                        .date_naive(),
                    at,
                    offset: settings.reminders.offset,
                },
            )
            .await
            .map_err(|e| e.to_string())?;
            println!(
                "{}: {} rows, {} bytes",
                done.path.display(),
                done.rows,
                done.bytes
            );
            Ok(())
        }
    }
}
