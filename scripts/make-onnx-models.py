#!/usr/bin/env python3
"""Recipe for the weight-stripped ONNX models in instances/onnx/ (not run in CI).

Builds ResNet-50, MobileNetV2, ViT-B/16 and a BERT-base encoder in PyTorch (architectures as
published: He et al. 2016 with torchvision's v1.5 stride placement, Sandler et al. 2018,
Dosovitskiy et al. 2021, Devlin et al. 2019), exports each with torch.onnx.export, moves every
weight tensor to external data that is not shipped (shapes stay, values go), and stores the
shapes ONNX's own shape inference finds as value_info, so the files are small and
shape-annotated. dnnplace's importer does its own shape inference and is tested against these
annotations.

    python3 -m venv /tmp/onnx-env
    /tmp/onnx-env/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
    /tmp/onnx-env/bin/pip install onnx onnxscript
    /tmp/onnx-env/bin/python scripts/make-onnx-models.py instances/onnx
"""
import os
import sys

import onnx
import torch
from torch import nn


def conv_bn(cin, cout, kernel, stride=1, groups=1, act=nn.ReLU):
    layers = [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(act(inplace=True))
    return nn.Sequential(*layers)


class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        self.body = nn.Sequential(conv_bn(cin, width, 1), conv_bn(width, width, 3, stride), conv_bn(width, 4 * width, 1, act=None))
        self.shortcut = conv_bn(cin, 4 * width, 1, stride, act=None) if stride != 1 or cin != 4 * width else nn.Identity()

    def forward(self, x):
        return torch.relu(self.body(x) + self.shortcut(x))


class ResNet50(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [conv_bn(3, 64, 7, 2), nn.MaxPool2d(3, 2, 1)]
        cin = 64
        for blocks, width, stride in [(3, 64, 1), (4, 128, 2), (6, 256, 2), (3, 512, 2)]:
            for b in range(blocks):
                layers.append(Bottleneck(cin, width, stride if b == 0 else 1))
                cin = 4 * width
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(2048, 1000)

    def forward(self, x):
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(self.features(x), 1), 1))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = [] if expand == 1 else [conv_bn(cin, hidden, 1, act=nn.ReLU6)]
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden, act=nn.ReLU6), conv_bn(hidden, cout, 1, act=None)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class MobileNetV2(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [conv_bn(3, 32, 3, 2, act=nn.ReLU6)]
        cin = 32
        for expand, cout, repeats, stride in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
            for r in range(repeats):
                layers.append(InvertedResidual(cin, cout, stride if r == 0 else 1, expand))
                cin = cout
        layers.append(conv_bn(cin, 1280, 1, act=nn.ReLU6))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, 1000))

    def forward(self, x):
        return self.classifier(torch.flatten(nn.functional.adaptive_avg_pool2d(self.features(x), 1), 1))


class EncoderBlock(nn.Module):
    """Transformer encoder block; pre-norm (ViT) or post-norm (BERT)."""

    def __init__(self, dim, heads, ffn, pre_norm):
        super().__init__()
        self.heads, self.pre_norm = heads, pre_norm
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, ffn), nn.GELU(), nn.Linear(ffn, dim))

    def attention(self, x):
        b, n, d = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        weights = torch.softmax(q @ k.transpose(-2, -1) * (d // self.heads) ** -0.5, dim=-1)
        return self.proj((weights @ v).transpose(1, 2).reshape(b, n, d))

    def forward(self, x):
        if self.pre_norm:
            x = x + self.attention(self.norm1(x))
            return x + self.mlp(self.norm2(x))
        x = self.norm1(x + self.attention(x))
        return self.norm2(x + self.mlp(x))


class ViTB16(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(3, 768, 16, 16)
        self.cls = nn.Parameter(torch.zeros(1, 1, 768))
        self.position = nn.Parameter(torch.zeros(1, 197, 768))
        self.blocks = nn.Sequential(*[EncoderBlock(768, 12, 3072, True) for _ in range(12)])
        self.norm = nn.LayerNorm(768)
        self.head = nn.Linear(768, 1000)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.position
        return self.head(self.norm(self.blocks(x))[:, 0])


class BERTBase(nn.Module):
    def __init__(self, sequence=128):
        super().__init__()
        self.words = nn.Embedding(30522, 768)
        self.positions = nn.Embedding(512, 768)
        self.norm = nn.LayerNorm(768)
        self.blocks = nn.Sequential(*[EncoderBlock(768, 12, 3072, False) for _ in range(12)])
        self.sequence = sequence

    def forward(self, tokens):
        positions = torch.arange(self.sequence).unsqueeze(0)
        return self.blocks(self.norm(self.words(tokens) + self.positions(positions)))


def strip_weights(model):
    """Weights become external data in a file that is not shipped: dims stay, bytes go. The
    exporter's per-node debugging metadata (stack traces, FX nodes) goes too."""
    for node in model.graph.node:
        del node.metadata_props[:]
    for tensor in model.graph.initializer:
        if onnx.helper.tensor_dtype_to_np_dtype(tensor.data_type).kind == "f" and len(tensor.dims) > 0:
            length = len(tensor.raw_data)
            tensor.ClearField("raw_data")
            tensor.ClearField("float_data")
            tensor.data_location = onnx.TensorProto.EXTERNAL
            del tensor.external_data[:]
            for key, value in [("location", "weights.bin (not shipped)"), ("offset", "0"), ("length", str(length))]:
                entry = tensor.external_data.add()
                entry.key, entry.value = key, value
    return model


def export(module, example, path, dynamo=False):
    """TorchScript exporter at opset 17, or the torch.export-based one (PyTorch's default since
    2.9: opset 20, other operator patterns) when dynamo is set."""
    module.eval()
    if dynamo:
        torch.onnx.export(module, (example,), dynamo=True).save(path)
    else:
        torch.onnx.export(module, example, path, opset_version=17, dynamo=False, input_names=["input"], output_names=["output"])
    model = onnx.shape_inference.infer_shapes(onnx.load(path))
    onnx.save(strip_weights(model), path)
    print(f"{path}: {len(model.graph.node)} nodes, {os.path.getsize(path) / 1024:.0f} KB")


def main(folder):
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(0)
    image = torch.randn(1, 3, 224, 224)
    export(ResNet50(), image, f"{folder}/resnet50.onnx")
    export(MobileNetV2(), image, f"{folder}/mobilenetv2.onnx")
    export(ViTB16(), image, f"{folder}/vit-b16.onnx")
    export(BERTBase(), torch.zeros(1, 128, dtype=torch.long), f"{folder}/bert-base.onnx")
    export(ViTB16(), image, f"{folder}/vit-b16-dynamo.onnx", dynamo=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "instances/onnx")
