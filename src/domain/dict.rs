//! The Order's dictionaries: directions (3.5), touchpoint kinds (4.2) with their channel
//! (4.1), and client needs (3.7). Each entry has a stable code (the Order's item number),
//! the Order's full wording (letter for letter; the official file uses it) and a short
//! label (buttons). The wording is the law the bot implements, so it lives here as data;
//! the English renderings of the short labels live in `locales/en`.

use serde::{Deserialize, Serialize};

/// Declares a dictionary enum with its code, full wording and short label.
macro_rules! dictionary {
    ($(#[$m:meta])* $name:ident { $($var:ident => $code:literal, $full:literal, $short:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($var),+ }

        impl $name {
            /// Every entry, in the Order's sequence.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The Order's item number, e.g. `4.2.1`. Stable: stored in the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$var => $code),+ }
            }

            /// The Order's full wording.
            pub fn full(self) -> &'static str {
                match self { $($name::$var => $full),+ }
            }

            /// The short label shown on buttons (Russian).
            pub fn short(self) -> &'static str {
                match self { $($name::$var => $short),+ }
            }

            /// The locale key of the short label: `<prefix>-4-2-1`.
            pub fn locale_key(self) -> String {
                format!("{}-{}", Self::KEY_PREFIX, self.code().replace('.', "-"))
            }

            /// Parses a stored code back.
            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }

            /// Position in [`Self::ALL`], used to keep callback data short.
            pub fn index(self) -> usize {
                Self::ALL.iter().position(|v| *v == self).unwrap_or(0)
            }

            pub fn from_index(i: usize) -> Option<$name> {
                Self::ALL.get(i).copied()
            }
        }
    };
}

dictionary! {
    /// Directions of activity (3.5): the list is formed separately for each.
    Direction {
        Appeals => "3.5.1", "Рассмотрение обращений и запросов", "Рассмотрение обращений и запросов";
        Information => "3.5.2", "Обеспечение доступа к информации о деятельности Администрации", "Обеспечение доступа к информации о деятельности Администрации";
        Internal => "3.5.3", "Организация отношений с внутренним клиентом", "Организация отношений с внутренним клиентом";
    }
}

dictionary! {
    /// Key touchpoint kinds (4.2).
    Kind {
        Website => "4.2.1", "Официальные сайты (порталы) Правительства Ленинградской области и Администрации", "Официальные сайты (порталы)";
        MobileApp => "4.2.2", "Мобильные приложения", "Мобильные приложения";
        SocialNetwork => "4.2.3", "Социальные сети, публичные чаты в мессенджерах", "Социальные сети, публичные чаты";
        ChatBot => "4.2.4", "Чат-боты и персональные чаты в мессенджерах и социальных сетях, голосовые помощники", "Чат-боты, персональные чаты, голосовые помощники";
        Phone => "4.2.5", "Взаимодействие в устной форме посредством телефонной связи, в том числе с помощью голосовых помощников, колл-центров", "Телефонная связь, колл-центры";
        Written => "4.2.6", "Письменное взаимодействие (электронная почта, письмо, сообщения в личном кабинете)", "Письменное взаимодействие";
        InPerson => "4.2.7", "Личный прием по осуществлению (предоставлению) функций (сервисов) в местах приема клиентов", "Личный приём";
    }
}

dictionary! {
    /// Client needs (3.7): the purpose of the client's contact.
    Need {
        Information => "3.7.1", "Получение информации", "Получение информации";
        Consultation => "3.7.2", "Получение консультации", "Получение консультации";
        Forms => "3.7.3", "Получение форм документов", "Получение форм документов";
        Application => "3.7.4", "Представление заявления, обращения, запроса, документов", "Представление заявления, обращения, запроса, документов";
        Progress => "3.7.5", "Получение информации о ходе рассмотрения заявления, обращения, запроса, документов", "Получение информации о ходе рассмотрения заявления, обращения, запроса, документов";
        Result => "3.7.6", "Получение результата, ответа, разъяснения", "Получение результата, ответа, разъяснения";
        Inspection => "3.7.7", "Предоставление объектов для осмотра (проверки)", "Предоставление объектов для осмотра (проверки)";
        Feedback => "3.7.8", "Предоставление обратной связи", "Предоставление обратной связи";
        FeedbackResult => "3.7.9", "Получение результата рассмотрения обратной связи", "Получение результата рассмотрения обратной связи";
        Other => "3.7.10", "Другие удовлетворяемые потребности клиента", "Другие удовлетворяемые потребности клиента";
    }
}

impl Direction {
    const KEY_PREFIX: &'static str = "direction";
}

impl Need {
    const KEY_PREFIX: &'static str = "need";
}

/// The channel of a touchpoint (4.1): digital (2.9) or offline (2.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Channel {
    Digital,
    Offline,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Digital => "digital",
            Channel::Offline => "offline",
        }
    }

    pub fn from_code(code: &str) -> Option<Channel> {
        match code {
            "digital" => Some(Channel::Digital),
            "offline" => Some(Channel::Offline),
            _ => None,
        }
    }
}

impl Kind {
    const KEY_PREFIX: &'static str = "kind";

    /// The channel the Order fixes for this kind, or `None` where it depends on the point
    /// (4.2.5 and 4.2.6: an e-mail is digital, a paper letter is not).
    pub fn fixed_channel(self) -> Option<Channel> {
        match self {
            Kind::Website | Kind::MobileApp | Kind::SocialNetwork | Kind::ChatBot => {
                Some(Channel::Digital)
            }
            Kind::InPerson => Some(Channel::Offline),
            Kind::Phone | Kind::Written => None,
        }
    }
}

/// Which clients a touchpoint serves (2.2, 2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Clients {
    External,
    Internal,
    Both,
}

impl Clients {
    pub const ALL: &'static [Clients] = &[Clients::External, Clients::Internal, Clients::Both];

    pub fn code(self) -> &'static str {
        match self {
            Clients::External => "external",
            Clients::Internal => "internal",
            Clients::Both => "both",
        }
    }

    pub fn from_code(code: &str) -> Option<Clients> {
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionaries_have_the_orders_sizes_and_codes() {
        assert_eq!(Direction::ALL.len(), 3);
        assert_eq!(Kind::ALL.len(), 7);
        assert_eq!(Need::ALL.len(), 10);
        let codes: Vec<_> = Need::ALL.iter().map(|n| n.code()).collect();
        assert_eq!(codes.first(), Some(&"3.7.1"));
        assert_eq!(codes.last(), Some(&"3.7.10"));
        for (i, k) in Kind::ALL.iter().enumerate() {
            assert_eq!(k.code(), format!("4.2.{}", i + 1));
        }
    }

    #[test]
    fn codes_round_trip() {
        for d in Direction::ALL {
            assert_eq!(Direction::from_code(d.code()), Some(*d));
            assert_eq!(Direction::from_index(d.index()), Some(*d));
        }
        for k in Kind::ALL {
            assert_eq!(Kind::from_code(k.code()), Some(*k));
        }
        for n in Need::ALL {
            assert_eq!(Need::from_code(n.code()), Some(*n));
        }
        for c in Clients::ALL {
            assert_eq!(Clients::from_code(c.code()), Some(*c));
        }
        assert_eq!(Kind::from_code("4.2.8"), None);
        assert_eq!(Need::from_index(10), None);
    }

    #[test]
    fn full_wording_is_the_orders() {
        assert_eq!(
            Kind::Website.full(),
            "Официальные сайты (порталы) Правительства Ленинградской области и Администрации"
        );
        assert_eq!(Kind::InPerson.short(), "Личный приём");
        assert_eq!(
            Kind::InPerson.full(),
            "Личный прием по осуществлению (предоставлению) функций (сервисов) в местах приема клиентов"
        );
        assert_eq!(
            Need::Other.full(),
            "Другие удовлетворяемые потребности клиента"
        );
        assert_eq!(
            Direction::Internal.full(),
            "Организация отношений с внутренним клиентом"
        );
    }

    #[test]
    fn channel_is_fixed_except_phone_and_written() {
        assert_eq!(Kind::Website.fixed_channel(), Some(Channel::Digital));
        assert_eq!(Kind::ChatBot.fixed_channel(), Some(Channel::Digital));
        assert_eq!(Kind::InPerson.fixed_channel(), Some(Channel::Offline));
        assert_eq!(Kind::Phone.fixed_channel(), None);
        assert_eq!(Kind::Written.fixed_channel(), None);
    }

    #[test]
    fn locale_keys_are_fluent_identifiers() {
        assert_eq!(Kind::Website.locale_key(), "kind-4-2-1");
        assert_eq!(Need::Other.locale_key(), "need-3-7-10");
        assert_eq!(Direction::Appeals.locale_key(), "direction-3-5-1");
    }
}
