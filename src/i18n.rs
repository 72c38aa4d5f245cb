//! The one place that knows the localisation library (Project Fluent). Every user-facing
//! text lives in `locales/<lang>/*.ftl`, embedded into the binary at build time, so the bot
//! runs from any directory. Russian is the default; Fluent applies each language's CLDR
//! plural rules (`1 точка`, `2 точки`, `5 точек`).

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::langid;

use crate::domain::Lang;

/// The locale files, per language, in the order they are loaded.
/// `locale!(Ru, "ru", "main")`: one embedded locale file.
macro_rules! locale {
    ($lang:ident, $dir:literal, $name:literal) => {
        (
            Lang::$lang,
            concat!($dir, "/", $name, ".ftl"),
            include_str!(concat!("../locales/", $dir, "/", $name, ".ftl")),
        )
    };
}

const FILES: &[(Lang, &str, &str)] = &[
    locale!(Ru, "ru", "main"),
    locale!(Ru, "ru", "dict"),
    locale!(Ru, "ru", "admin"),
    locale!(Ru, "ru", "ops"),
    locale!(Ru, "ru", "sheet"),
    locale!(Ru, "ru", "changes"),
    locale!(Ru, "ru", "listfile"),
    locale!(Ru, "ru", "rework"),
    locale!(En, "en", "main"),
    locale!(En, "en", "dict"),
    locale!(En, "en", "admin"),
    locale!(En, "en", "ops"),
    locale!(En, "en", "sheet"),
    locale!(En, "en", "changes"),
    locale!(En, "en", "listfile"),
    locale!(En, "en", "rework"),
];

/// All texts in all languages.
pub struct I18n {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
}

/// An argument value for a message: text or number.
pub enum Arg<'a> {
    Str(Cow<'a, str>),
    Num(f64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(Cow::Borrowed(s))
    }
}
impl From<String> for Arg<'_> {
    fn from(s: String) -> Self {
        Arg::Str(Cow::Owned(s))
    }
}
impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Str(Cow::Borrowed(s.as_str()))
    }
}
macro_rules! num_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg<'_> {
            fn from(n: $t) -> Self {
                Arg::Num(n as f64)
            }
        }
    )*};
}
num_arg!(i32, i64, u32, u64, usize);

/// `tr!(i18n, lang, "key")` or `tr!(i18n, lang, "key", name = value, …)`: a text from the
/// locales. Values are text or integers. Keys are string literals so that a test can check
/// that every key used in the code exists in every language.
#[macro_export]
macro_rules! tr {
    ($i18n:expr, $lang:expr, $key:literal) => {
        $i18n.text($lang, $key, &[])
    };
    ($i18n:expr, $lang:expr, $key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $i18n.text($lang, $key, &[$((stringify!($name), $crate::i18n::Arg::from($value))),+])
    };
}

impl I18n {
    /// Loads the embedded locale files. Fails only when a file does not parse (a build
    /// defect; a test loads them all).
    pub fn load() -> Result<Self, String> {
        let mut bundles = HashMap::new();
        for lang in Lang::ALL {
            let id = match lang {
                Lang::Ru => langid!("ru"),
                Lang::En => langid!("en"),
            };
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // No Unicode isolation marks around values: Telegram shows them as garbage
            // in some clients, and the texts are single-direction.
            bundle.set_use_isolating(false);
            for (l, name, src) in FILES {
                if l != lang {
                    continue;
                }
                let res = FluentResource::try_new(src.to_string())
                    .map_err(|(_, errs)| format!("locales/{name}: {errs:?}"))?;
                bundle
                    .add_resource(res)
                    .map_err(|errs| format!("locales/{name}: {errs:?}"))?;
            }
            bundles.insert(*lang, bundle);
        }
        Ok(I18n { bundles })
    }

    /// The text of `key` in `lang`, with arguments. A missing key falls back to Russian,
    /// then to the key itself (logged), so a defect never silences the bot.
    pub fn text(&self, lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Str(s) => fargs.set(*name, FluentValue::from(s.as_ref())),
                Arg::Num(n) => fargs.set(*name, FluentValue::from(*n)),
            }
        }
        for l in [lang, Lang::Ru] {
            let bundle = &self.bundles[&l];
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = vec![];
                let s = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
                if !errors.is_empty() {
                    log::error!("locale {} key {key}: {errors:?}", l.code());
                }
                return s.into_owned();
            }
        }
        log::error!("missing locale key {key}");
        key.to_string()
    }

    /// A text whose key is computed (a dictionary's short label, say).
    pub fn label(&self, lang: Lang, key: &str) -> String {
        self.text(lang, key, &[])
    }

    /// Whether `key` exists in `lang`.
    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundles[&lang].has_message(key)
    }

    /// Every message id of a language.
    pub fn keys(&self, lang: Lang) -> Vec<String> {
        let mut keys: Vec<String> = FILES
            .iter()
            .filter(|(l, _, _)| *l == lang)
            .flat_map(|(_, _, src)| {
                let res = FluentResource::try_new(src.to_string()).unwrap_or_else(|(r, _)| r);
                res.entries()
                    .filter_map(|e| match e {
                        fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        keys.sort();
        keys
    }
}

#[cfg(test)]
mod words;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Direction, Kind, Need};

    fn i18n() -> I18n {
        I18n::load().expect("locales parse")
    }

    #[test]
    fn every_language_has_the_same_keys() {
        let i = i18n();
        let ru = i.keys(Lang::Ru);
        assert!(!ru.is_empty());
        assert_eq!(ru, i.keys(Lang::En));
    }

    #[test]
    fn russian_plural_forms() {
        let i = i18n();
        let f = |n: i64| tr!(i, Lang::Ru, "points-count", count = n);
        assert_eq!(f(1), "1 точка");
        assert_eq!(f(2), "2 точки");
        assert_eq!(f(5), "5 точек");
        assert_eq!(f(11), "11 точек");
        assert_eq!(f(21), "21 точка");
        assert_eq!(f(24), "24 точки");
        assert_eq!(f(0), "0 точек");
        let r = |n: i64| tr!(i, Lang::Ru, "reports-count", count = n);
        assert_eq!(r(1), "1 отчёт");
        assert_eq!(r(3), "3 отчёта");
        assert_eq!(r(12), "12 отчётов");
        assert_eq!(tr!(i, Lang::En, "points-count", count = 1), "1 point");
        assert_eq!(tr!(i, Lang::En, "points-count", count = 2), "2 points");
    }

    #[test]
    fn russian_dictionary_labels_are_the_specs_short_labels() {
        let i = i18n();
        for d in Direction::ALL {
            assert_eq!(i.label(Lang::Ru, &d.locale_key()), d.short());
            assert!(i.has(Lang::En, &d.locale_key()));
        }
        for k in Kind::ALL {
            assert_eq!(i.label(Lang::Ru, &k.locale_key()), k.short());
            assert!(i.has(Lang::En, &k.locale_key()));
        }
        for n in Need::ALL {
            assert_eq!(i.label(Lang::Ru, &n.locale_key()), n.short());
            assert!(i.has(Lang::En, &n.locale_key()));
        }
    }

    /// Keys built at run time from a family: every member exists in every language.
    #[test]
    fn every_report_field_has_a_name() {
        let i = i18n();
        for lang in Lang::ALL {
            for f in crate::domain::draft::Field::ALL {
                let key = format!("field-{}", f.code());
                assert!(i.has(*lang, &key), "{key}");
            }
        }
    }

    #[test]
    fn every_part_of_a_row_has_a_name() {
        let i = i18n();
        for lang in Lang::ALL {
            for p in crate::domain::record::Part::ALL {
                let key = format!("part-{}", p.name());
                assert!(i.has(*lang, &key), "{key}");
            }
        }
    }

    #[test]
    fn every_validation_problem_has_a_text() {
        use crate::domain::Invalid::*;
        let i = i18n();
        for p in [
            EmptyPoint,
            PointTooLong,
            NoNeeds,
            OtherNeedWithoutText,
            OtherTextWithoutNeed,
            OtherNeedTooLong,
            FeaturesTooLong,
            EmptyFeatures,
            ChannelMismatch,
        ] {
            assert!(i.has(Lang::Ru, &format!("invalid-{}", p.name())), "{p:?}");
        }
    }

    #[test]
    fn a_missing_key_falls_back_to_the_key() {
        assert_eq!(i18n().label(Lang::En, "no-such-key"), "no-such-key");
    }

    /// Every `tr!(…, "key" …)` in the source names a key that exists (in both languages, by
    /// the test above).
    #[test]
    fn every_key_used_in_the_code_exists() {
        let i = i18n();
        let mut missing = vec![];
        let mut seen = 0;
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if p.ends_with("i18n.rs") {
                continue; // the macro's definition and this scanner
            }
            let src = std::fs::read_to_string(&p).unwrap();
            // `tr!(i18n, lang, "key", …)` and `.label(lang, "key")`.
            let calls = src
                .match_indices("tr!(")
                .filter(|(i, _)| {
                    let before = src[..*i].chars().next_back();
                    !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
                .map(|(i, m)| i + m.len())
                .chain(src.match_indices(".label(").map(|(i, m)| i + m.len()));
            for chunk in calls.map(|i| &src[i..]) {
                let Some(start) = chunk.find('"') else {
                    continue;
                };
                // The key is the first string literal of the call, before its closing paren.
                if chunk[..start].contains(')') {
                    continue;
                }
                let rest = &chunk[start + 1..];
                let key = &rest[..rest.find('"').unwrap()];
                if key.contains('{') {
                    continue; // a family built at run time (`invalid-{}`): tested on its own
                }
                seen += 1;
                if !i.has(Lang::Ru, key) {
                    missing.push(format!("{}: {key}", p.display()));
                }
            }
        }
        assert!(seen > 10, "the scan found too few keys ({seen})");
        assert!(missing.is_empty(), "missing locale keys: {missing:#?}");
    }
}
