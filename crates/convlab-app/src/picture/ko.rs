//! The Korean of pictures: the camera's and the file's refusals, and the templates of the
//! messages the core refuses an image's header with (see `messages`).

pub const KO: &[(&str, &str)] = &[
    (
        "This browser gives no access to a camera here (a camera needs a secure page: https, or localhost).",
        "이 브라우저는 여기서 카메라를 쓸 수 없습니다(카메라는 보안 페이지에서만 쓸 수 있습니다: https 또는 localhost).",
    ),
    ("The camera could not be opened: pick another image.", "카메라를 열 수 없습니다: 다른 이미지를 고르세요."),
    (
        "The camera was not allowed: allow it for this page (the camera icon in the address bar), or pick another image.",
        "카메라가 허용되지 않았습니다: 이 페이지에 카메라를 허용하거나(주소 표시줄의 카메라 아이콘), 다른 이미지를 고르세요.",
    ),
    ("No camera was found: connect one, or pick another image.", "카메라를 찾을 수 없습니다: 카메라를 연결하거나 다른 이미지를 고르세요."),
    (
        "The camera is busy or failed to start: close other programs using it, then try again.",
        "카메라가 사용 중이거나 켜지지 않았습니다: 카메라를 쓰는 다른 프로그램을 닫고 다시 시도하세요.",
    ),
    (
        "“{name}” is not an image ({type}): choose a PNG, JPEG, GIF, WebP or BMP file.",
        "“{name}”은(는) 이미지가 아닙니다 ({type}): PNG, JPEG, GIF, WebP, BMP 파일을 고르세요.",
    ),
    ("unknown type", "알 수 없는 형식"),
    (
        "“{name}” is {size} MB: the limit is 20 MB.",
        "“{name}”은(는) {size} MB입니다: 20 MB까지만 올릴 수 있습니다.",
    ),
    (
        "“{name}” could not be read as an image.",
        "“{name}”을(를) 이미지로 읽을 수 없습니다.",
    ),
];

pub const KO_MESSAGES: &[(&str, &str)] = &[
    (
        "this file is not an image ConvLab can read: choose a PNG, JPEG, GIF, WebP or BMP file",
        "ConvLab이 읽을 수 있는 이미지 파일이 아닙니다: PNG, JPEG, GIF, WebP, BMP 파일을 고르세요",
    ),
    (
        "this image file is truncated or damaged: its header has no size; try another file",
        "이 이미지 파일은 잘렸거나 손상되었습니다: 헤더에 크기가 없습니다. 다른 파일을 고르세요",
    ),
    (
        "this image is {w} × {h} pixels: it has no pixels to show",
        "이 이미지는 {w} × {h} 픽셀이라 보여 줄 픽셀이 없습니다",
    ),
    (
        "this image is {w} × {h} pixels ({n} in all), more than the {max} ConvLab decodes (50 megapixels): make it smaller in an image editor first",
        "이 이미지는 {w} × {h} 픽셀(모두 {n}개)로, ConvLab이 디코딩하는 {max}개(5천만 화소)보다 많습니다: 먼저 이미지 편집기에서 크기를 줄이세요",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::korean;
    use convlab_core::image_size;

    /// Every reason the core gives for refusing an image reads in Korean, numbers kept.
    #[test]
    fn the_upload_messages_read_in_korean() {
        let png = |w: u32, h: u32| {
            let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
            b.extend(w.to_be_bytes());
            b.extend(h.to_be_bytes());
            b.extend([8, 2, 0, 0, 0]);
            b
        };
        for (bytes, kept) in [
            (png(60_000, 60_000), "3,600,000,000"),
            (png(0, 10), "0 × 10"),
            (b"hello".to_vec(), "PNG"),
            (png(1, 1)[..18].to_vec(), "헤더"),
        ] {
            let english = image_size::check(&bytes).unwrap_err().to_string();
            let ko = korean(&english, &[KO_MESSAGES])
                .unwrap_or_else(|| panic!("no template for: {english}"));
            assert!(ko.contains(kept), "{ko}");
            assert!(!ko.contains(" the "), "{ko}");
        }
    }
}
