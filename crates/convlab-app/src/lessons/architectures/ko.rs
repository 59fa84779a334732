//! The Korean of the architectures lesson: its texts, and the templates of its own messages (why
//! a link's `edits` could not be read; see `messages`).

pub const KO: &[(&str, &str)] = &[
    ("Models", "모델"),
    ("Classics", "고전 모델"),
    ("The notes", "강의 노트"),
    ("LeNet", "LeNet"),
    ("AlexNet", "AlexNet"),
    ("VGG-11", "VGG-11"),
    ("VGG-16", "VGG-16"),
    ("ResNet-18", "ResNet-18"),
    ("Small ResNet", "작은 ResNet"),
    ("MNIST ConvNet", "MNIST ConvNet"),
    ("Three-layer CNN", "3층 CNN"),
    ("Keras CNN", "Keras CNN"),
    ("Input (C, H, W)", "입력 (C, H, W)"),
    ("in_channels / in_features follow the input", "in_channels / in_features를 입력에 맞춤"),
    ("Back to the original", "원래대로"),
    ("PyTorch counts", "PyTorch 집계"),
    ("(architectures.json): the same.", "(architectures.json): 같습니다."),
    ("(architectures.json): different!", "(architectures.json): 다릅니다!"),
    ("Not in architectures.json: counted by the core from the layers.", "architectures.json에는 없습니다: 코어가 층들로부터 센 값입니다."),
    ("Edited: counted by the core from the layers as they are now.", "편집됨: 코어가 현재의 층들로부터 센 값입니다."),
    ("Parameters", "파라미터"),
    ("unknown: the network breaks", "알 수 없음: 네트워크가 중간에 막힙니다"),
    ("{} of weights (float32)", "가중치 {} (float32)"),
    ("convolutions", "합성곱"),
    ("Linear", "Linear"),
    ("batch norm", "배치 정규화"),
    // "input" (입력) is in the convolution lesson's table (a text appears in one table only),
    // "Channels" (채널) in the shell's.
    ("written as", "코드에 적힌 값:"),
    ("breaks here", "여기서 막힘"),
    ("1×1 shortcut", "1×1 지름길"),
    ("new", "새 층"),
    ("edited", "편집됨"),
    ("Layer", "층"),
    ("Type", "종류"),
    ("Configuration", "설정"),
    ("Output shape", "출력 모양"),
    ("Total", "합계"),
    ("Insert after it:", "뒤에 추가:"),
    ("Select a layer (click its name) to change it, remove it or insert a layer after it. Select the input to insert a layer first.", "층의 이름을 눌러 선택하면 값을 바꾸거나, 지우거나, 그 뒤에 새 층을 넣을 수 있습니다. 맨 앞에 넣으려면 입력을 선택하세요."),
    ("The input", "입력"),
    ("One image: channels, height, width. The batch dimension N is left out.", "이미지 한 장: 채널, 높이, 너비. 배치 차원 N은 생략합니다."),
    ("Nothing to set here: its sizes come from its input.", "설정할 값이 없습니다: 크기는 입력에서 정해집니다."),
    ("Remove this layer", "이 층 지우기"),
    ("Drawn to scale: height ∝", "실제 비율: 높이 ∝"),
    ("width ∝", "너비 ∝"),
    ("channels", "채널"),
    ("Block diagram of the feature maps", "특성 맵의 블록 다이어그램"),
    ("vectors (after Flatten): height on a log scale", "벡터(Flatten 이후): 높이는 로그 척도"),
    ("PyTorch", "PyTorch"),
    ("Copy", "복사"),
    ("Download .py", ".py 내려받기"),
    ("Copied.", "복사했습니다."),
    ("The browser refused: select the code and copy it.", "브라우저가 거부했습니다: 코드를 선택해서 복사하세요."),
    ("An nn.Module you can paste into a file and run: it builds the network, passes one random image through it and prints the output shape and the number of parameters.", "파일에 붙여 넣고 바로 실행할 수 있는 nn.Module입니다: 네트워크를 만들고, 무작위 이미지 한 장을 통과시킨 뒤 출력 모양과 파라미터 수를 출력합니다."),
    ("Why do the sizes follow?", "왜 크기가 저절로 맞춰지나요?"),
    ("This model is written with explicit sizes, nn.Conv2d(32, 64, 3): in PyTorch, when you change a layer's out_channels you must also change the next layer's in_channels yourself. The page does it for you (a marked number followed its input), like d2l's LazyConv2d, so you can explore; the export writes the numbers it found. Untick the box to keep the numbers as written and see the error PyTorch would raise.", "이 모델은 nn.Conv2d(32, 64, 3)처럼 크기를 직접 적어 만듭니다: PyTorch에서는 한 층의 out_channels를 바꾸면 다음 층의 in_channels도 직접 고쳐야 합니다. 이 페이지는 d2l의 LazyConv2d처럼 그것을 대신 해 주므로(표시된 숫자가 입력에 맞춰진 값) 마음껏 바꿔 볼 수 있고, 내보낸 코드에는 찾은 숫자가 적힙니다. 상자를 해제하면 적힌 숫자를 그대로 두고 PyTorch가 낼 오류를 볼 수 있습니다."),
    ("How is it drawn?", "어떻게 그렸나요?"),
    ("Each block is a feature map: its height is proportional to H, its width to the channels C, on linear scales so that halving the size looks like halving it (a 1×1 map after global pooling is a thin line, which is the truth). Layers that keep the shape (ReLU, batch norm) share their input's block. Vectors after Flatten are thin bars on a log scale, since they range from 10 to tens of thousands.", "각 블록은 특성 맵입니다: 높이는 H에, 너비는 채널 수 C에 비례하며, 크기가 절반이 되면 그림도 절반이 되도록 선형 척도를 씁니다(전역 풀링 뒤의 1×1 맵은 가는 선인데, 그것이 사실입니다). 모양을 바꾸지 않는 층(ReLU, 배치 정규화)은 입력의 블록을 함께 씁니다. Flatten 이후의 벡터는 길이가 10에서 수만까지이므로 로그 척도의 가는 막대로 그립니다."),
    (
        "LeNet-5 (LeCun et al., 1998) read handwritten digits on bank cheques: two 5×5 convolutions, each followed by a sigmoid and 2×2 average pooling, then three fully connected layers. Every later network keeps its pattern: convolutions that shrink the picture and add channels, then a classifier.",
        "LeNet-5(LeCun 외, 1998)는 은행 수표의 손글씨 숫자를 읽었습니다: 5×5 합성곱 두 개 뒤에 각각 시그모이드와 2×2 평균 풀링, 그다음 완전 연결층 세 개. 이후의 모든 네트워크가 이 틀을 따릅니다: 그림을 줄이고 채널을 늘리는 합성곱, 그다음 분류기.",
    ),
    (
        "AlexNet (Krizhevsky, Sutskever and Hinton, 2012) won ImageNet by a wide margin and started deep learning's boom: LeNet's pattern made much deeper and wider and trained on GPUs, with ReLU instead of the sigmoid (it trains much faster), overlapping max pooling, and dropout against overfitting in its huge fully connected layers. Here, as in d2l, for one-channel 224×224 images and 10 classes.",
        "AlexNet(Krizhevsky, Sutskever, Hinton, 2012)은 ImageNet에서 큰 차이로 우승하며 딥러닝 붐을 열었습니다: LeNet의 틀을 훨씬 깊고 넓게 만들어 GPU로 학습했고, 시그모이드 대신 ReLU(학습이 훨씬 빠름), 겹치는 최대 풀링, 거대한 완전 연결층의 과적합을 막는 드롭아웃을 썼습니다. 여기서는 d2l처럼 1채널 224×224 이미지와 10개 클래스용입니다.",
    ),
    (
        "VGG (Simonyan and Zisserman, 2014) replaced hand-picked kernel sizes by a rule: blocks of 3×3 convolutions with padding 1 (the size is kept), each block ending in a 2×2 max pool that halves it, while the channels double from 64 to 512. Two stacked 3×3 layers see as far as one 5×5 with fewer weights. VGG-11 has 8 convolutions; look where its parameters are: the first Linear layer alone holds 103 million.",
        "VGG(Simonyan, Zisserman, 2014)는 손으로 고른 커널 크기 대신 규칙을 썼습니다: 패딩 1의 3×3 합성곱(크기 유지)으로 된 블록, 블록 끝마다 크기를 절반으로 줄이는 2×2 최대 풀링, 채널은 64에서 512까지 두 배씩. 3×3 층 두 개는 5×5 하나만큼 넓게 보면서 가중치는 더 적습니다. VGG-11에는 합성곱이 8개 있습니다. 파라미터가 어디 있는지 보세요: 첫 Linear 층 하나에 1억 300만 개가 있습니다.",
    ),
    (
        "VGG-16: the same VGG blocks with 13 convolutions (2, 2, 3, 3, 3 per block). Going deeper costs few parameters, since 3×3 convolutions are small, but much computation. It is not in the golden file; the core builds it with the same code as VGG-11.",
        "VGG-16: 같은 VGG 블록에 합성곱 13개(블록마다 2, 2, 3, 3, 3). 3×3 합성곱은 작아서 깊어져도 파라미터는 조금 늘지만 계산량은 크게 늘어납니다. golden 파일에는 없고, 코어가 VGG-11과 같은 코드로 만듭니다.",
    ),
    (
        "ResNet (He et al., 2015) made very deep networks trainable: each residual block adds its input to its output, y = F(x) + x, so a block only learns a correction and the gradient flows straight through the sum. When the channels double and the size halves, a strided 1×1 convolution on the shortcut matches them. Global average pooling replaces the huge fully connected layers: 18 layers, 11 million parameters.",
        "ResNet(He 외, 2015)은 아주 깊은 네트워크를 학습할 수 있게 했습니다: 잔차 블록은 입력을 출력에 더하므로(y = F(x) + x) 블록은 보정만 배우면 되고, 기울기는 덧셈을 그대로 통과합니다. 채널이 두 배가 되고 크기가 절반이 될 때는 지름길의 스트라이드 1×1 합성곱이 둘을 맞춥니다. 전역 평균 풀링이 거대한 완전 연결층을 대신합니다: 18층, 파라미터 1,100만 개.",
    ),
    (
        "ResNet-18's ideas at MNIST's size, small enough to train in the Training lesson: a 3×3 stem, one block with an identity shortcut at 28×28, then two blocks that halve the size and double the channels with a strided 1×1 convolution on the shortcut (28 → 14 → 7), global average pooling and one Linear layer: 77,898 parameters.",
        "MNIST 크기에 맞춘 ResNet-18의 아이디어로, 학습 단원에서 직접 학습할 수 있을 만큼 작습니다: 3×3 줄기(stem), 28×28에서 항등 지름길을 쓰는 블록 하나, 그다음 지름길의 스트라이드 1×1 합성곱으로 크기를 절반으로 줄이고 채널을 두 배로 늘리는 블록 두 개(28 → 14 → 7), 전역 평균 풀링과 Linear 층 하나: 파라미터 77,898개.",
    ),
    (
        "The notes' MNIST ConvNet: two blocks of a 5×5 convolution with padding 2 (the size is kept), batch normalization, ReLU and 2×2 max pooling, then one Linear layer. Batch normalization (Ioffe and Szegedy, 2015) normalizes each channel over the batch, so the network trains quickly even with a large learning rate.",
        "강의 노트의 MNIST ConvNet: 패딩 2의 5×5 합성곱(크기 유지), 배치 정규화, ReLU, 2×2 최대 풀링으로 된 블록 두 개, 그다음 Linear 층 하나. 배치 정규화(Ioffe, Szegedy, 2015)는 각 채널을 배치 전체에 대해 정규화하므로 큰 학습률에서도 빠르게 학습됩니다.",
    ),
    (
        "The notes' PyTorch CNN: three 3×3 convolutions with padding 1 (\"same\": the size is kept), each followed by ReLU and 2×2 max pooling: 28 → 14 → 7 → 3 (the floor drops the odd row), then a Linear layer on the 64 × 3 × 3 = 576 features.",
        "강의 노트의 PyTorch CNN: 패딩 1의 3×3 합성곱(\"same\": 크기 유지) 세 개 뒤에 각각 ReLU와 2×2 최대 풀링: 28 → 14 → 7 → 3(내림으로 남는 한 줄이 버려짐), 그다음 64 × 3 × 3 = 576개 특성에 대한 Linear 층.",
    ),
    (
        "The notes' Keras CNN: three 3×3 \"valid\" convolutions (no padding: each trims one pixel from every border) with 2×2 max pooling between them: 28 → 26 → 13 → 11 → 5 → 3. Keras's model.summary() totals 55,744 parameters; the notes then add Flatten and Dense layers to classify.",
        "강의 노트의 Keras CNN: \"valid\" 3×3 합성곱(패딩 없음: 가장자리마다 한 픽셀씩 줄어듦) 세 개와 그 사이의 2×2 최대 풀링: 28 → 26 → 13 → 11 → 5 → 3. Keras의 model.summary()는 파라미터 55,744개를 보여 주며, 노트는 이어서 분류를 위해 Flatten과 Dense 층을 더합니다.",
    ),
];

pub const KO_MESSAGES: &[(&str, &str)] = &[
    ("'{c}' needs a number", "'{c}' 뒤에 숫자가 있어야 합니다"),
    (
        "{type} has no field '{c}'",
        "{type}에는 '{c}' 항목이 없습니다",
    ),
    (
        "{field} must be in {lo}..={hi}",
        "{field}은(는) {lo}..={hi} 범위여야 합니다",
    ),
    (
        "unknown new layer '{token}'",
        "'{token}'은(는) 알 수 없는 새 층입니다",
    ),
    (
        "'{token}' is not a layer",
        "'{token}'은(는) 층 번호가 아닙니다",
    ),
    (
        "'{token}' is not a range",
        "'{token}'은(는) 층 범위가 아닙니다",
    ),
    (
        "'{token}': the model's layers must come once each, in order",
        "'{token}': 모델의 층은 순서대로 한 번씩만 올 수 있습니다",
    ),
    (
        "more than {max} layers, the most this page draws",
        "층이 {max}개를 넘습니다(이 페이지가 그리는 최대 개수)",
    ),
    ("the network has no layer", "네트워크에 층이 없습니다"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::architectures::edits::decode;
    use crate::messages::korean;
    use convlab_core::arch;

    /// Every reason `edits` can be refused for reads in Korean, with its token kept.
    #[test]
    fn the_edit_messages_read_in_korean() {
        let base = arch::lenet();
        let many = vec!["nR"; 100].join("_");
        for text in [
            "0-99",
            "x",
            "0-x",
            "nQ",
            "nCo",
            "0z5",
            "nCk99",
            many.as_str(),
        ] {
            let english = decode(&base, text).unwrap_err();
            let ko = korean(&english, &[KO_MESSAGES])
                .unwrap_or_else(|| panic!("no template for: {english}"));
            assert!(!ko.contains(" the "), "{english} → {ko}");
        }
    }
}
