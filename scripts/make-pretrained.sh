#!/bin/sh
# Trains the pretrained weights of the "Inside the network" lesson, public/weights/*.safetensors,
# with ConvLab's own CLI on the bundled digits (8,000 train / 2,000 test), on the CPU, seed 0.
# Each reaches at least 98% on the 2,000 test digits (crates/convlab-cli/tests checks the files):
#   mnist_convnet: Adam, lr 1e-3, 8 epochs of batch 100: 98.30%, about 2 minutes;
#   small_resnet:  Adam, lr 5e-4, 12 epochs of batch 100: 98.25%, about 10 minutes.
# The files load in PyTorch as they are: `convlab export MODEL` prints the Net whose
# load_state_dict takes them.
set -eu
cd "$(dirname "$0")/.."
train() {
  cargo run --release -q -p convlab-cli -- train --backend cpu --seed 0 --batch 100 "$@"
}
train --model mnist_convnet --lr 1e-3 --epochs 8 --save public/weights/mnist_convnet.safetensors
train --model small_resnet --lr 5e-4 --epochs 12 --save public/weights/small_resnet.safetensors
