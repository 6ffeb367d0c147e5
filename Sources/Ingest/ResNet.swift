/// ResNet-50 (He et al. 2016; torchvision's v1.5, stride in the 3×3 convolution) for a 224×224
/// image as layer work: each convolution a layer (batch norm and ReLU folded into it), each
/// residual addition a layer, then pooling and the classifier.
public enum ResNet {
    public static func resnet50(batch: Int = 1) -> (works: [LayerWork], edges: [(Int, Int)]) {
        var works: [LayerWork] = []
        var edges: [(Int, Int)] = []
        let images = Double(batch)
        func add(_ work: LayerWork, after inputs: [Int]) -> Int {
            works.append(work)
            edges += inputs.map { ($0, works.count - 1) }
            return works.count - 1
        }
        /// A k×k convolution from (size, inChannels) to outChannels with stride; returns the layer and new size.
        func conv(_ name: String, from input: Int?, size: Double, in inChannels: Double, out outChannels: Double, kernel: Double, stride: Double) -> (Int, Double) {
            let outSize = (size / stride).rounded(.up)
            let macs = images * outSize * outSize * outChannels * inChannels * kernel * kernel
            let layer = add(LayerWork(
                name: name, op: "Conv", units: .tensor, flops: 2 * macs, inputElements: images * size * size * inChannels,
                params: kernel * kernel * inChannels * outChannels, outputElements: images * outSize * outSize * outChannels),
                after: input.map { [$0] } ?? [])
            return (layer, outSize)
        }
        var (previous, size) = conv("conv1", from: nil, size: 224, in: 3, out: 64, kernel: 7, stride: 2)
        size = 56
        previous = add(LayerWork(
            name: "maxpool", op: "MaxPool", units: .vector, flops: images * 56 * 56 * 64 * 9, inputElements: images * 112 * 112 * 64,
            params: 0, outputElements: images * 56 * 56 * 64), after: [previous])
        var channels = 64.0
        for (stage, (blocks, width)) in [(3, 64.0), (4, 128.0), (6, 256.0), (3, 512.0)].enumerated() {
            for block in 0..<blocks {
                let stride: Double = block == 0 && stage > 0 ? 2 : 1
                let name = "layer\(stage + 1).\(block)."
                let (a, _) = conv(name + "conv1", from: previous, size: size, in: channels, out: width, kernel: 1, stride: 1)
                let (b, outSize) = conv(name + "conv2", from: a, size: size, in: width, out: width, kernel: 3, stride: stride)
                let (c, _) = conv(name + "conv3", from: b, size: outSize, in: width, out: 4 * width, kernel: 1, stride: 1)
                var shortcut = previous
                if block == 0 {
                    shortcut = conv(name + "downsample", from: previous, size: size, in: channels, out: 4 * width, kernel: 1, stride: stride).0
                }
                let elements = images * outSize * outSize * 4 * width
                previous = add(LayerWork(
                    name: name + "add", op: "Add", units: .vector, flops: 2 * elements, inputElements: 2 * elements, params: 0,
                    outputElements: elements), after: [shortcut, c])
                size = outSize
                channels = 4 * width
            }
        }
        previous = add(LayerWork(
            name: "avgpool", op: "GlobalAveragePool", units: .vector, flops: images * size * size * channels,
            inputElements: images * size * size * channels, params: 0, outputElements: images * channels), after: [previous])
        _ = add(LayerWork(
            name: "fc", op: "Gemm", units: .tensor, flops: 2 * images * channels * 1000, inputElements: images * channels,
            params: channels * 1000 + 1000, outputElements: images * 1000), after: [previous])
        return (works, edges)
    }
}
