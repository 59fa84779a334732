//! The Korean of the "Inside the network" lesson's texts.

pub const KO: &[(&str, &str)] = &[
    ("Inside the network", "네트워크 들여다보기"),
    (
        "A trained network on one digit: every layer's output, in the order the model runs them. Click any unit (or move with the arrow keys) to see the arithmetic that made it and the pixels it can see.",
        "학습된 네트워크에 숫자 하나를 넣고, 모델이 실행하는 순서대로 모든 층의 출력을 봅니다. 아무 유닛이나 클릭하면 (또는 화살표 키로 옮기면) 그 값을 만든 계산과 그 유닛이 볼 수 있는 픽셀이 나옵니다.",
    ),
    ("Pretrained (bundled)", "사전 학습된 가중치 (포함됨)"),
    ("Kept in this browser (Training page)", "이 브라우저에 저장된 가중치 (학습 단원)"),
    ("The Training page's session (as it trains)", "학습 단원의 세션 (학습 중인 그대로)"),
    ("Untrained (PyTorch's initial values)", "학습 전 (PyTorch 초기값)"),
    ("Test digit", "테스트 숫자"),
    ("Label", "정답"),
    ("Your drawing", "직접 그린 숫자"),
    ("Or draw a digit:", "또는 숫자를 그려 보세요:"),
    ("The model says", "모델의 답"),
    ("Weights from the file", "파일에서 불러온 가중치:"),
    ("Why this answer", "왜 이 답인가"),
    ("Explain the score of", "설명할 점수"),
    ("the model's answer", "모델의 답"),
    ("class", "클래스"),
    ("Saliency", "Saliency (입력 기울기)"),
    ("after layer", "층 뒤"),
    (
        "d score / d pixel: red raises the class's score, blue lowers it.",
        "d 점수 / d 픽셀: 빨간색은 그 클래스의 점수를 올리고, 파란색은 내립니다.",
    ),
    (
        "Grad-CAM: where the channels that raise the class's score are active, after each block (red, laid over the digit).",
        "Grad-CAM: 각 블록 뒤에서, 그 클래스의 점수를 올리는 채널들이 활성화된 곳 (숫자 위에 빨간색으로 겹쳐 표시).",
    ),
    ("Receptive field: rows", "수용 영역: 행"),
    ("columns", "열"),
    ("pixels", "픽셀"),
    (
        "Receptive field: every pixel (this unit comes after the Flatten).",
        "수용 영역: 모든 픽셀 (이 유닛은 Flatten 뒤에 있습니다).",
    ),
    ("Softmax: the probability of each digit", "소프트맥스: 각 숫자의 확률"),
    ("(the value the engine computed)", "(엔진이 계산한 값)"),
    ("Receptive field, layer by layer (rows)", "층별 수용 영역 계산 (행)"),
];
