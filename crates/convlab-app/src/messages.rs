//! The core's error messages in Korean. The core writes its messages in English (it knows no
//! languages); each template here is one of its message formats with the numbers and names as
//! `{placeholders}`, beside the same message in Korean. A message no template matches is shown
//! as the core wrote it.

/// `(English, Korean)`: a `{name}` stands for any text, the shortest that lets the rest match.
/// What a placeholder captured is itself translated: a whole message ("layer 3 (Conv2d): …"
/// wraps the reason), or one of the [`PIECES`].
const TEMPLATES: &[(&str, &str)] = &[
    (
        "layer {pos} ({type}) cannot take an input of shape {shape}: {reason}",
        "{pos}번 층({type})은 모양이 {shape}인 입력을 받을 수 없습니다: {reason}",
    ),
    ("layer {pos} ({type}): {reason}", "{pos}번 층({type}): {reason}"),
    (
        "the kernel is larger than the padded input{along}: the window spans {k} pixels but the input with padding has only {p} ({n} + 2×{pad}); use a smaller kernel or dilation, or more padding",
        "{along}커널이 패딩을 더한 입력보다 큽니다: 창은 {k}픽셀에 걸치지만 패딩을 더한 입력은 {p}픽셀뿐입니다({n} + 2×{pad}). 더 작은 커널이나 팽창(dilation)을 쓰거나 패딩을 늘리세요",
    ),
    ("the input size{along} must be at least 1", "{along}입력 크기는 1 이상이어야 합니다"),
    ("the kernel size{along} must be at least 1", "{along}커널 크기는 1 이상이어야 합니다"),
    (
        "the stride{along} must be at least 1: a stride of 0 would never move the window",
        "{along}스트라이드는 1 이상이어야 합니다: 스트라이드가 0이면 창이 움직이지 않습니다",
    ),
    (
        "the dilation{along} must be at least 1 (1 means the kernel taps touch, with no gaps)",
        "{along}팽창(dilation)은 1 이상이어야 합니다(1이면 커널의 탭이 빈틈없이 붙어 있습니다)",
    ),
    (
        "pooling padding{along} must be at most half the kernel size: padding {p} is more than {k}/2; reduce the padding to {max} or less",
        "{along}풀링의 패딩은 커널 크기의 절반 이하여야 합니다: 패딩 {p}은(는) {k}/2보다 큽니다. 패딩을 {max} 이하로 줄이세요",
    ),
    (
        "output_padding{along} must be smaller than either the stride or the dilation: output_padding {op} is not below stride {s} or dilation {d}; use an output_padding of at most {max}",
        "{along}output_padding은 스트라이드나 팽창(dilation) 중 하나보다 작아야 합니다: output_padding {op}은(는) 스트라이드 {s}보다도, 팽창 {d}보다도 작지 않습니다. output_padding을 {max} 이하로 하세요",
    ),
    (
        "the transposed convolution's output size{along} would be {n}: the padding removes more rows than the kernel adds; reduce the padding",
        "{along}전치 합성곱의 출력 크기가 {n}이 됩니다: 패딩이 커널이 더하는 행보다 더 많이 잘라냅니다. 패딩을 줄이세요",
    ),
    (
        "the block's output {main} and its shortcut {shortcut} differ, so they cannot be added: use a 1×1 convolution on the shortcut (use_1x1conv) when the channels or the stride change",
        "블록의 출력 {main}과(와) 지름길 {shortcut}의 모양이 달라서 더할 수 없습니다: 채널 수나 스트라이드가 바뀔 때는 지름길에 1×1 합성곱(use_1x1conv)을 쓰세요",
    ),
    (
        "groups={g} must be at least 1 and divide both the input channels ({cin}) and the output channels ({cout})",
        "groups={g}는 1 이상이고 입력 채널 수({cin})와 출력 채널 수({cout})를 모두 나누어야 합니다",
    ),
    (
        "{what} must have shape {expected}, but it has shape {got}",
        "{what}의 모양은 {expected}이어야 하는데 {got}입니다",
    ),
    // The four IDX files of a data set (`convlab_core::idx_set`).
    (
        "missing {files}: pick all four files of MNIST or Fashion-MNIST at once",
        "빠진 파일: {files}. MNIST나 Fashion-MNIST의 파일 네 개를 한 번에 고르세요",
    ),
    (
        "this IDX {noun} file is truncated: it has {n} bytes of the {total} its header announces (sizes {dims}): download it again, or {pick}",
        "이 IDX {noun} 파일은 잘렸습니다: 헤더에 적힌 {total}바이트 중 {n}바이트만 있습니다(크기 {dims}). 다시 내려받거나, {pick}",
    ),
    (
        "this is not an IDX file (it starts with {magic}; an IDX {noun} file starts with {want}): {pick}",
        "IDX 파일이 아닙니다({magic}로 시작합니다. IDX {noun} 파일은 {want}로 시작합니다): {pick}",
    ),
    ("pick {a} or {b} (gzipped or not)", "{a} 또는 {b}를 고르세요(gzip 압축 여부는 상관없음)"),
    ("{images} with {labels}: {reason}", "{images}와 {labels}: {reason}"),
];

/// Parts of messages that placeholders capture, in Korean.
const PIECES: &[(&str, &str)] = &[
    (" along the height", "높이 방향: "),
    (" along the width", "너비 방향: "),
    ("the batch-norm input", "배치 정규화의 입력"),
    ("the input", "입력"),
    ("the weight", "가중치"),
    ("the bias", "편향"),
    ("image", "이미지"),
    ("label", "레이블"),
];

/// `message` in Korean, if it is one of the core's formats (see [`TEMPLATES`]) or of the lessons'
/// own (`lessons`, each a table of the same form).
pub fn korean(message: &str, lessons: &[&[(&str, &str)]]) -> Option<String> {
    std::iter::once(TEMPLATES)
        .chain(lessons.iter().copied())
        .flat_map(|t| t.iter())
        .find_map(|(en, ko)| {
            let captures = captures(en, message)?;
            let mut out = (*ko).to_string();
            for (name, text) in captures {
                let text = korean(text, lessons)
                    .or_else(|| piece(text).map(str::to_string))
                    .unwrap_or_else(|| text.to_string());
                out = out.replace(&format!("{{{name}}}"), &text);
            }
            Some(out)
        })
}

fn piece(text: &str) -> Option<&'static str> {
    PIECES.iter().find(|(en, _)| *en == text).map(|(_, ko)| *ko)
}

/// The texts that `template`'s placeholders stand for in `message`, if it matches as a whole.
fn captures<'t, 'm>(template: &'t str, message: &'m str) -> Option<Vec<(&'t str, &'m str)>> {
    // The template as literal texts around its placeholders: lit0 {a} lit1 {b} lit2 ...
    let mut literals = vec![];
    let mut names = vec![];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}')?;
        literals.push(&rest[..open]);
        names.push(&rest[open + 1..close]);
        rest = &rest[close + 1..];
    }
    literals.push(rest);
    let mut at = message.strip_prefix(literals[0])?;
    let mut found = vec![];
    for (i, name) in names.iter().enumerate() {
        let next = literals[i + 1];
        let last = i + 1 == names.len();
        // The last placeholder takes all but the closing literal; the others, up to the first
        // place their next literal occurs.
        let end = if last {
            at.strip_suffix(next)?.len()
        } else {
            at.find(next)?
        };
        found.push((*name, &at[..end]));
        at = &at[end + next.len()..];
    }
    at.is_empty().then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use convlab_core::arch;
    use convlab_core::nn::{Layer, ResidualSpec};
    use convlab_core::shape::{conv_output_hw, pool_output_len};
    use convlab_core::transposed_shape::conv_transpose_output_hw;

    /// Every message the core gives for these mistakes is translated, with its numbers kept.
    #[test]
    fn the_cores_messages_read_in_korean() {
        let cases: Vec<(String, &[&str])> = vec![
            (
                conv_output_hw([5, 5], [7, 3], [1, 1], [0, 0], [1, 1])
                    .unwrap_err()
                    .to_string(),
                &[
                    "높이 방향: 커널이 패딩을 더한 입력보다 큽니다",
                    "7픽셀",
                    "5픽셀뿐",
                    "(5 + 2×0)",
                ],
            ),
            (
                conv_output_hw([5, 5], [3, 3], [1, 0], [0, 0], [1, 1])
                    .unwrap_err()
                    .to_string(),
                &["너비 방향: 스트라이드는 1 이상"],
            ),
            (
                pool_output_len(4, 2, 2, 3).unwrap_err().to_string(),
                &["풀링의 패딩은", "패딩 3은(는) 2/2보다", "1 이하로"],
            ),
            (
                arch::alexnet()
                    .summary(&[1, 28, 28])
                    .unwrap_err()
                    .to_string(),
                &[
                    "5번 층(MaxPool2d)은 모양이",
                    "커널이 패딩을 더한 입력보다 큽니다",
                ],
            ),
            (
                Layer::Residual(ResidualSpec {
                    in_channels: 3,
                    out_channels: 3,
                    use_1x1conv: false,
                    stride: 2,
                })
                .output_shape(&[3, 12, 12])
                .unwrap_err()
                .to_string(),
                &["블록의 출력 [3, 6, 6]과(와) 지름길 [3, 12, 12]의 모양이 달라서"],
            ),
            (
                conv_transpose_output_hw([4, 4], [3, 3], [2, 2], [1, 1], [0, 2], [1, 1])
                    .unwrap_err()
                    .to_string(),
                &[
                    "너비 방향: output_padding은",
                    "output_padding 2은(는) 스트라이드 2보다도",
                    "1 이하로",
                ],
            ),
            (
                conv_transpose_output_hw([1, 1], [1, 1], [1, 1], [1, 1], [0, 0], [1, 1])
                    .unwrap_err()
                    .to_string(),
                &["높이 방향: 전치 합성곱의 출력 크기가 -1이 됩니다"],
            ),
        ];
        let truncated = convlab_core::dataset::parse_idx_images(&{
            let mut b = vec![0, 0, 8, 3, 0, 0, 234, 96, 0, 0, 0, 28, 0, 0, 0, 28];
            b.extend([0; 100]);
            b
        })
        .unwrap_err()
        .to_string();
        let cases = cases.into_iter().chain([
            (
                format!("train-images-idx3-ubyte with train-labels-idx1-ubyte: {truncated}"),
                &["train-images-idx3-ubyte와 train-labels-idx1-ubyte: 이 IDX 이미지 파일은 잘렸습니다", "47,040,016바이트 중 116바이트", "고르세요"][..],
            ),
        ]);
        for (english, wanted) in cases {
            let ko = korean(&english, &[]).unwrap_or_else(|| panic!("no template for: {english}"));
            for w in wanted {
                assert!(ko.contains(w), "{english}\n→ {ko}\nmissing: {w}");
            }
            assert!(!ko.contains(" the "), "English left in: {ko}");
        }
    }

    #[test]
    fn other_text_is_left_alone() {
        assert_eq!(korean("the GPU is gone", &[]), None);
        assert_eq!(korean("layer 3 (Conv2d)", &[]), None);
    }
}
