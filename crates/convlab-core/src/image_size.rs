//! The width and height an image file declares in its header, read before the browser decodes it.
//! A decoded image takes 4 bytes a pixel however small its file is: a 200 KB PNG can declare
//! 60,000 × 60,000 pixels and ask for 14 GB. Reading the header first lets the page refuse such a
//! file with a message instead of freezing or crashing the tab.
//!
//! Formats: PNG, JPEG, GIF, WebP and BMP, the ones every browser decodes.

use crate::error::{Error, Result};
use crate::text::thousands;

/// The most pixels an uploaded image may have (a 50-megapixel photo; 4 bytes each once decoded).
pub const MAX_IMAGE_PIXELS: u64 = 50_000_000;

/// `[width, height]` of the image in `bytes`, from its header alone.
pub fn dimensions(bytes: &[u8]) -> Result<[u32; 2]> {
    let found = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(bytes)
    } else if bytes.starts_with(&[0xff, 0xd8]) {
        jpeg(bytes)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        gif(bytes)
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        webp(bytes)
    } else if bytes.starts_with(b"BM") {
        bmp(bytes)
    } else {
        return Err(Error::Invalid(
            "this file is not an image ConvLab can read: choose a PNG, JPEG, GIF, WebP or BMP file"
                .into(),
        ));
    };
    found.ok_or_else(|| {
        Error::Invalid(
            "this image file is truncated or damaged: its header has no size; try another file"
                .into(),
        )
    })
}

/// [`dimensions`], refused when the image is empty or has more than [`MAX_IMAGE_PIXELS`].
pub fn check(bytes: &[u8]) -> Result<[u32; 2]> {
    let [w, h] = dimensions(bytes)?;
    let pixels = u64::from(w) * u64::from(h);
    if pixels == 0 {
        return Err(Error::Invalid(format!(
            "this image is {w} × {h} pixels: it has no pixels to show"
        )));
    }
    if pixels > MAX_IMAGE_PIXELS {
        return Err(Error::Invalid(format!(
            "this image is {} × {} pixels ({} in all), more than the {} ConvLab decodes (50 \
             megapixels): make it smaller in an image editor first",
            thousands(w),
            thousands(h),
            thousands(pixels),
            thousands(MAX_IMAGE_PIXELS)
        )));
    }
    Ok([w, h])
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The IHDR chunk comes first: length (4), "IHDR", width (4, big-endian), height (4).
fn png(b: &[u8]) -> Option<[u32; 2]> {
    (b.get(12..16)? == b"IHDR").then_some(())?;
    Some([be32(b, 16)?, be32(b, 20)?])
}

/// Walks the markers to the first start-of-frame (SOF0-SOF15 but DHT, JPG and DAC), whose body
/// is precision (1), height (2), width (2).
fn jpeg(b: &[u8]) -> Option<[u32; 2]> {
    let mut at = 2;
    loop {
        // Markers may be padded with extra 0xff bytes.
        while *b.get(at)? == 0xff && *b.get(at + 1)? == 0xff {
            at += 1;
        }
        if *b.get(at)? != 0xff {
            return None;
        }
        let marker = *b.get(at + 1)?;
        let len = usize::from(be16(b, at + 2)?);
        let is_frame = (0xc0..=0xcf).contains(&marker) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
        if is_frame {
            return Some([be16(b, at + 7)?, be16(b, at + 5)?].map(u32::from));
        }
        if len < 2 {
            return None;
        }
        at += 2 + len;
    }
}

/// The logical screen's width and height, little-endian, after the 6-byte signature.
fn gif(b: &[u8]) -> Option<[u32; 2]> {
    Some([le16(b, 6)?, le16(b, 8)?].map(u32::from))
}

/// RIFF header (12 bytes), then the first chunk: VP8 (lossy), VP8L (lossless) or VP8X (extended).
fn webp(b: &[u8]) -> Option<[u32; 2]> {
    match b.get(12..16)? {
        b"VP8 " => Some([le16(b, 26)? & 0x3fff, le16(b, 28)? & 0x3fff].map(u32::from)),
        b"VP8L" => {
            let bits = le32(b, 21)?;
            Some([(bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1])
        }
        b"VP8X" => {
            let le24 = |at: usize| -> Option<u32> {
                let s = b.get(at..at + 3)?;
                Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
            };
            Some([le24(24)? + 1, le24(27)? + 1])
        }
        _ => None,
    }
}

/// BITMAPINFOHEADER: width and height as signed 32-bit numbers at 18 and 22 (a negative height
/// means the rows are stored top-down).
fn bmp(b: &[u8]) -> Option<[u32; 2]> {
    let w = le32(b, 18)? as i32;
    let h = le32(b, 22)? as i32;
    Some([w.unsigned_abs(), h.unsigned_abs()])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest real PNG header: signature, IHDR of `w` × `h`.
    fn png_header(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, 2, 0, 0, 0]);
        b
    }

    #[test]
    fn the_shipped_photo_is_read_from_its_header() {
        let photo = include_bytes!("../../../public/images/camera.png");
        let [w, h] = check(photo).unwrap();
        assert!(w > 0 && h > 0);
    }

    #[test]
    fn each_format_gives_its_size() {
        assert_eq!(dimensions(&png_header(640, 480)).unwrap(), [640, 480]);
        // JPEG: SOI, an APP0 segment of 16 bytes, then SOF0 with height 300 and width 400.
        let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0, 16];
        jpeg.extend([0; 14]);
        jpeg.extend([0xff, 0xc0, 0, 17, 8, 0x01, 0x2c, 0x01, 0x90, 3]);
        assert_eq!(dimensions(&jpeg).unwrap(), [400, 300]);
        let mut gif = b"GIF89a".to_vec();
        gif.extend([0x20, 0x03, 0x58, 0x02]);
        assert_eq!(dimensions(&gif).unwrap(), [800, 600]);
        let mut bmp = b"BM".to_vec();
        bmp.extend([0; 16]);
        bmp.extend(100i32.to_le_bytes());
        bmp.extend((-50i32).to_le_bytes());
        assert_eq!(dimensions(&bmp).unwrap(), [100, 50]);
        // WebP lossless: 14 bits of width − 1, then 14 bits of height − 1.
        let mut webp = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f".to_vec();
        webp.extend((99u32 | (199 << 14)).to_le_bytes());
        assert_eq!(dimensions(&webp).unwrap(), [100, 200]);
    }

    #[test]
    fn a_huge_image_is_refused_before_decoding() {
        let message = check(&png_header(60_000, 60_000)).unwrap_err().to_string();
        assert!(message.contains("60,000 × 60,000"), "{message}");
        assert!(message.contains("50,000,000"), "{message}");
        assert!(check(&png_header(7000, 7000)).is_ok());
    }

    #[test]
    fn damaged_and_foreign_files_get_messages() {
        assert!(dimensions(b"hello")
            .unwrap_err()
            .to_string()
            .contains("PNG, JPEG"));
        assert!(dimensions(&png_header(1, 1)[..18])
            .unwrap_err()
            .to_string()
            .contains("truncated"));
        assert!(check(&png_header(0, 10))
            .unwrap_err()
            .to_string()
            .contains("no pixels"));
        // A JPEG whose segments run off the end.
        assert!(dimensions(&[0xff, 0xd8, 0xff, 0xe0, 0xff, 0xff]).is_err());
    }
}
