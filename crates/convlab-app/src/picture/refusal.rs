//! Why a file the student picked was refused, in the page's language.

use super::decode::UploadError;
use crate::i18n::I18n;

/// The refusal of `e`, naming the file and what to do.
pub fn refusal(i18n: &I18n, e: &UploadError) -> String {
    match e {
        UploadError::NotImage { name, kind } => i18n
            .t("“{name}” is not an image ({type}): choose a PNG, JPEG, GIF, WebP or BMP file.")
            .replace("{name}", name)
            .replace(
                "{type}",
                if kind.is_empty() {
                    i18n.t("unknown type")
                } else {
                    kind
                },
            ),
        UploadError::TooLarge { name, megabytes } => i18n
            .t("“{name}” is {size} MB: the limit is 20 MB.")
            .replace("{name}", name)
            .replace("{size}", &format!("{megabytes:.1}")),
        UploadError::Refused { name, reason } => format!("“{name}”: {}", i18n.message(reason)),
        UploadError::Unreadable { name } => i18n
            .t("“{name}” could not be read as an image.")
            .replace("{name}", name),
    }
}
