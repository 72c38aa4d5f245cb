//! A list or not: a file sent to the bot is told apart by its header. A list file has the
//! form's headings (`Точка взаимодействия`, …) on one of its first rows; anything else —
//! a Registry file, or a file that cannot be read at all — is not a list, and goes where
//! files went before (the Registry's check, which explains a refusal).

use super::parse::header;
use super::LIMITS;
use crate::sheet;

/// What a sent file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// The list in the appendix form (or its headings and rows).
    List,
    /// Anything else: a Registry file, or not a table.
    Other,
}

/// How much of a CSV is read to find its header.
const CSV_HEAD: usize = 64 * 1024;

/// Tells a list file from others by its header. A CSV is judged by its first lines; an
/// XLSX is read whole (within the limits), since its rows are not in order in the package.
pub fn detect(bytes: &[u8]) -> FileKind {
    let is_zip = bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06");
    let head = if is_zip || bytes.len() <= CSV_HEAD {
        bytes
    } else {
        // Up to a line end, so that no character and no record is cut.
        let cut = bytes[..CSV_HEAD]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(CSV_HEAD, |i| i + 1);
        &bytes[..cut]
    };
    match sheet::read(head, &LIMITS) {
        Ok(t) if header(&t.rows).is_some() => FileKind::List,
        _ => FileKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_told_from_a_registry_file_by_its_header() {
        let registry =
            "Код;Наименование;Вид;Направление;Подразделение\nФ-1;x;функция;3.5.1;Отдел\n";
        assert_eq!(detect(registry.as_bytes()), FileKind::Other);
        let list = "Перечень точек взаимодействия;;\n\
                    №;Направление деятельности;Направление функции (сервиса);Точка взаимодействия;\
                    Цель взаимодействия с клиентом*;Особенности взаимодействия с клиентом\n";
        assert_eq!(detect(list.as_bytes()), FileKind::List);
        // Only a few headings, in any order and case, are enough to call it a list.
        let few = "ТОЧКА ВЗАИМОДЕЙСТВИЯ;направление деятельности;Цель взаимодействия с клиентом\n";
        assert_eq!(detect(few.as_bytes()), FileKind::List);
        assert_eq!(detect(b"PK\x03\x04garbage"), FileKind::Other);
        assert_eq!(detect(b""), FileKind::Other);
        // A long CSV is judged by its head.
        let mut long = list.to_string();
        long.push_str(&"1;2;3;4;5;6\n".repeat(20_000));
        assert_eq!(detect(long.as_bytes()), FileKind::List);
    }
}
