//! The Korean of the training lesson's texts, and of its own messages.

pub const KO: &[(&str, &str)] = &[
    ("∂loss/∂K at the last step", "마지막 단계의 ∂loss/∂K"),
    (
        "This step's gradient, worked out on the Gradients lesson",
        "이 단계의 기울기를 기울기 단원에서 풀어 보기",
    ),
    ("True", "정답"),
    ("Measure the test set now", "지금 테스트 세트로 측정"),
    (
        "(the confusion matrix and the mistakes of the weights as they are)",
        "(지금 가중치의 혼동 행렬과 틀린 숫자들)",
    ),
    ("predicted", "예측"),
    ("open one to look inside the network.", "하나를 열어 네트워크 안을 들여다보세요."),
    ("Model", "모델"),
    ("Optimizer", "옵티마이저"),
    ("Learning rate", "학습률"),
    ("Batch", "배치 크기"),
    ("Epochs", "에포크"),
    ("Start", "시작"),
    ("Resume", "계속"),
    ("epoch", "에포크"),
    ("step", "스텝"),
    ("loss", "손실"),
    ("Feature maps of a test image", "테스트 이미지의 특성 맵"),
    (
        "The first convolution's output on one test image (before batch norm and ReLU): each filter above gives one map. They change as the filters learn; pick another image by its number, or click a test prediction below.",
        "테스트 이미지 하나에 대한 첫 번째 합성곱의 출력(배치 정규화와 ReLU 전)입니다: 위의 필터 하나가 맵 하나를 만듭니다. 필터가 학습되면서 맵도 바뀝니다. 번호로 다른 이미지를 고르거나 아래의 테스트 예측을 클릭하세요.",
    ),
    ("Test image", "테스트 이미지"),
    ("test image", "테스트 이미지"),
    ("label", "정답"),
    ("No model yet: press Start, or load weights.", "아직 모델이 없습니다: 시작을 누르거나 가중치를 불러오세요."),
    ("smoothed", "평활"),
    ("test", "테스트"),
    ("images/s", "이미지/초"),
    ("test accuracy", "테스트 정확도"),
    ("Loss per step", "스텝별 손실"),
    ("Accuracy per epoch", "에포크별 정확도"),
    ("Training images per second", "초당 학습 이미지 수"),
    ("First layer's filters", "첫 번째 층의 필터"),
    ("Confusion matrix (test set)", "혼동 행렬 (테스트 세트)"),
    ("true \\ predicted", "정답 \\ 예측"),
    ("Test predictions", "테스트 예측"),
    ("Draw a digit", "숫자 그리기"),
    ("Clear", "지우기"),
    ("Prediction", "예측"),
    ("The canvas is empty: draw a digit first.", "캔버스가 비어 있습니다: 먼저 숫자를 그리세요."),
    (
        "No model yet: press Start (a few dozen steps are enough to see it work), or load weights.",
        "아직 모델이 없습니다: 시작을 누르거나(몇십 스텝이면 충분합니다) 가중치를 불러오세요.",
    ),
    ("Drawing pad: draw a digit with the mouse, a pen or a finger", "그림판: 마우스, 펜, 손가락으로 숫자를 그리세요"),
    ("What the network sees (28×28)", "신경망이 보는 이미지 (28×28)"),
    (
        "What the network sees: 20×20 box, centred by mass in 28×28",
        "신경망이 보는 이미지: 20×20 상자에 맞추고 28×28에서 질량 중심으로 정렬",
    ),
    ("Weights", "가중치"),
    ("Save", "저장"),
    ("Load…", "불러오기…"),
    ("Forget", "지우기"),
    ("Loaded weights from", "가중치를 불러온 파일:"),
    (
        "Restored weights from your last session, kept in this browser",
        "이 브라우저에 보관된 지난 세션의 가중치를 복원했습니다",
    ),
    (
        "These weights are kept in this browser for your next visit.",
        "이 가중치는 다음 방문을 위해 이 브라우저에 보관됩니다.",
    ),
    (
        "PyTorch state_dict names:",
        "PyTorch state_dict 이름:",
    ),
    ("Data", "데이터"),
    ("Using", "사용 중"),
    ("bundled", "내장"),
    ("your files", "내 파일"),
    ("Reading your files…", "파일을 읽는 중…"),
    ("Use your MNIST or Fashion-MNIST files…", "내 MNIST 또는 Fashion-MNIST 파일 사용…"),
    ("Use the bundled digits", "내장 숫자 데이터 사용"),
    (
        "The four IDX files (train-images, train-labels, t10k-images, t10k-labels; .gz or not). They are read here: nothing leaves your browser. A new choice takes effect at the next Start or Resume.",
        "IDX 파일 네 개(train-images, train-labels, t10k-images, t10k-labels; .gz 여부 무관). 파일은 이 페이지에서 읽으며 브라우저 밖으로 나가지 않습니다. 새 선택은 다음 시작 또는 계속부터 적용됩니다.",
    ),
    ("Learn a kernel by gradient descent (d2l 7.2) →", "경사 하강법으로 커널 학습하기 (d2l 7.2) →"),
    ("Learning a kernel", "커널 학습하기"),
    (
        "d2l 7.2: the image X has a vertical band of zeros; the kernel [1, −1] marks its edges in Y. Can gradient descent find that kernel from Y alone? Each epoch computes Ŷ = conv2d(X, K), the loss Σ(Ŷ − Y)², its gradient with conv2d_backward, and K ← K − lr·∂loss/∂K.",
        "d2l 7.2: 이미지 X에는 세로로 0인 띠가 있고, 커널 [1, −1]은 Y에서 그 경계를 표시합니다. 경사 하강법이 Y만 보고 이 커널을 찾을 수 있을까요? 매 에포크마다 Ŷ = conv2d(X, K), 손실 Σ(Ŷ − Y)², conv2d_backward로 구한 기울기, 그리고 K ← K − lr·∂loss/∂K를 계산합니다.",
    ),
    ("Seed", "시드"),
    ("Restart", "다시 시작"),
    ("Run again", "다시 실행"),
    ("Y = corr2d(X, [1, −1]) (6×7)", "Y = corr2d(X, [1, −1]) (6×7)"),
    ("Ŷ = conv2d(X, K) now", "현재 Ŷ = conv2d(X, K)"),
    ("Learned kernel K", "학습된 커널 K"),
    ("target", "목표"),
    ("Loss per epoch", "에포크별 손실"),
    ("The same in PyTorch (d2l)", "같은 코드를 PyTorch로 (d2l)"),
    ("Back to training a ConvNet", "ConvNet 학습으로 돌아가기"),
    ("Reset with learning rate", "다음 학습률로 초기화:"),
    ("GPU profile", "GPU 프로파일"),
    (
        "No GPU profile on the CPU path: this page trains on the CPU (in a worker), where there are no GPU kernels to time. In a browser with WebGPU this panel lists the kernels of one training step, with their times and their WGSL source.",
        "CPU 경로에는 GPU 프로파일이 없습니다: 이 페이지는 CPU(워커)에서 학습하므로 시간을 잴 GPU 커널이 없습니다. WebGPU가 있는 브라우저에서는 이 패널에 학습 한 스텝의 커널들이 시간, WGSL 소스와 함께 나열됩니다.",
    ),
    (
        "One training step of the model above, at its batch size, on a copy with fresh weights (your training is not changed). Each kernel is submitted alone and timed from its submission until the GPU has finished it, so the times include each submission's own cost. Pick a kernel to read the WGSL that ran.",
        "위 모델의 학습 한 스텝을 그 배치 크기로, 새 가중치를 가진 복사본에서 실행합니다(여러분의 학습은 바뀌지 않습니다). 커널마다 따로 제출해 제출부터 GPU가 끝낼 때까지를 재므로, 시간에는 제출 자체의 비용도 들어 있습니다. 커널을 고르면 실행된 WGSL을 읽을 수 있습니다.",
    ),
    ("Profile one step", "한 스텝 프로파일"),
    ("Profiling…", "프로파일링 중…"),
    (
        "Pause the training to profile a step: both would share the GPU.",
        "스텝을 프로파일하려면 학습을 일시 정지하세요: 둘이 GPU를 나눠 쓰게 됩니다.",
    ),
    ("Kernel (entry point, file)", "커널(진입점, 파일)"),
    ("Workgroups", "워크그룹"),
    ("Time (ms)", "시간(ms)"),
    ("Time, as a bar", "시간 막대"),
    ("All kernels of the step", "스텝의 모든 커널"),
    ("entry point", "진입점"),
];

/// The lesson's own message formats (see `messages`).
pub const KO_MESSAGES: &[(&str, &str)] = &[
    (
        "The learning rate must be a positive number, e.g. 0.001 (it is {lr}).",
        "학습률은 0.001처럼 양수여야 합니다(지금은 {lr}).",
    ),
    (
        "The loss became {loss} at step {step} (guessing at random scores about 2.3): training diverged, so it was stopped (the weights are now meaningless, and they were not saved). The learning rate {lr} is probably too high: lower it (for example to {lower}), then press Reset and Start.",
        "{step}번째 스텝에서 손실이 {loss}이 되었습니다(무작위로 찍으면 약 2.3): 학습이 발산해서 멈췄습니다(이제 가중치는 의미가 없으며 저장하지 않았습니다). 학습률 {lr}이 너무 큰 것 같습니다: 더 낮추고(예: {lower}) 초기화를 누른 뒤 시작하세요.",
    ),
    ("There is nothing to resume: press Reset, then Start.", "계속할 학습이 없습니다: 초기화를 누른 뒤 시작하세요."),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::korean;

    #[test]
    fn the_lessons_messages_read_in_korean() {
        let ko = korean(
            "The learning rate must be a positive number, e.g. 0.001 (it is abc).",
            &[KO_MESSAGES],
        )
        .unwrap();
        assert_eq!(ko, "학습률은 0.001처럼 양수여야 합니다(지금은 abc).");
        assert_eq!(
            korean(
                "The learning rate must be a positive number, e.g. 0.001 (it is abc).",
                &[]
            ),
            None
        );
    }
}
