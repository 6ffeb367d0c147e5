/// What is known about one tensor after shape inference.
public struct TensorFacts: Sendable {
    public var tensor: ONNXTensor
    /// Computed from the model's input data (an activation), as opposed to weights, constants and
    /// shape arithmetic, which are fixed before the model runs.
    public var dynamic: Bool
}

/// Shape inference for the operators of common CNNs and transformers, in Swift, with the small
/// integer arithmetic exporters emit to compute shapes (Shape → Gather → Concat → Reshape)
/// evaluated on the way. Follows the operator definitions of the ONNX specification
/// (onnx/docs/Operators.md) for opsets 7 to 21.
struct ShapeInference {
    let graph: ONNXGraph
    private(set) var facts: [String: TensorFacts] = [:]
    private(set) var warnings: [String] = []

    /// `batch` replaces a symbolic first dimension of the inputs (and, when given, any first
    /// dimension); other symbolic dimensions become 1 with a warning. `statedShapes` fill in
    /// what inference cannot work out.
    init(graph: ONNXGraph, batch: Int?, useStatedShapes: Bool) {
        self.graph = graph
        for (name, tensor) in graph.initializers { facts[name] = TensorFacts(tensor: tensor, dynamic: false) }
        for input in graph.inputs {
            let shape = input.dims.enumerated().map { index, dim -> Int in
                if index == 0, let batch { return batch }
                switch dim {
                case .value(let v): return v
                case .symbol(let name):
                    if index > 0 { warnings.append("input '\(input.name)': dimension \(index) ('\(name)') is symbolic; taken as 1") }
                    return 1
                }
            }
            facts[input.name] = TensorFacts(tensor: ONNXTensor(shape: shape, elementBytes: input.elementBytes), dynamic: true)
        }
        for node in graph.nodes {
            let inputs = node.inputs.map { $0.isEmpty ? nil : facts[$0] }
            let dynamic = node.op != "Shape" && node.op != "Size" && inputs.contains { $0?.dynamic == true }
            let elementBytes = inputs.compactMap { $0 }.first?.tensor.elementBytes ?? 4
            let outputs = infer(node, inputs.map { $0?.tensor })
            for (i, name) in node.outputs.enumerated() where !name.isEmpty {
                var tensor = i < outputs.count ? outputs[i] : ONNXTensor(shape: nil, elementBytes: elementBytes)
                if tensor.shape == nil, useStatedShapes, let stated = graph.statedShapes[name] { tensor.shape = stated }
                if let values = tensor.values, values.count > ONNXTensor.smallTensor { tensor.values = nil }
                facts[name] = TensorFacts(tensor: tensor, dynamic: dynamic)
            }
        }
    }

    // MARK: - Per operator

    private mutating func infer(_ node: ONNXGraph.Node, _ inputs: [ONNXTensor?]) -> [ONNXTensor] {
        let x = inputs.first ?? nil
        let bytes = x?.elementBytes ?? 4
        func same() -> [ONNXTensor] { [ONNXTensor(shape: x?.shape, elementBytes: bytes)] }
        func shaped(_ shape: [Int]?, _ values: [Double]? = nil, bytes size: Int? = nil) -> [ONNXTensor] {
            [ONNXTensor(shape: shape, elementBytes: size ?? bytes, values: values)]
        }
        func values(_ i: Int) -> [Double]? { i < inputs.count ? inputs[i]?.values : nil }
        func ints(_ i: Int) -> [Int]? {
            guard let list = values(i) else { return nil }
            let converted = list.compactMap(Self.integer)
            return converted.count == list.count ? converted : nil
        }
        let rank = x?.shape?.count ?? 0

        switch node.op {
        case "Constant":
            if case .tensor(let tensor)? = node.attributes["value"] { return [tensor] }
            if let v = node.int("value_int") { return shaped([], [Double(v)], bytes: 8) }
            if let v = node.ints("value_ints") { return shaped([v.count], v.map(Double.init), bytes: 8) }
            if let v = node.float("value_float") { return shaped([], [v], bytes: 4) }
            return shaped(nil)
        case "Identity", "Dropout", "Cast", "CastLike":
            var out = same()
            out[0].values = x?.values
            if node.op == "Cast", let to = node.int("to") { out[0].elementBytes = ONNXTensor.elementBytes(to) }
            if node.op == "Dropout" { out.append(ONNXTensor(shape: x?.shape, elementBytes: 1)) }
            return out
        case "Shape":
            guard let shape = x?.shape else { return shaped(nil, bytes: 8) }
            let start = normalize(node.int("start") ?? 0, shape.count, clamp: true)
            let end = normalize(node.int("end") ?? shape.count, shape.count, clamp: true)
            let slice = start < end ? Array(shape[start..<end]) : []
            return shaped([slice.count], slice.map(Double.init), bytes: 8)
        case "Size":
            return shaped([], x?.elements.map { [Double($0)] }, bytes: 8)
        case "ConstantOfShape":
            guard let shape = ints(0) else { return shaped(nil) }
            var fill = 0.0
            var size = 4
            if case .tensor(let value)? = node.attributes["value"] {
                fill = value.values?.first ?? 0
                size = value.elementBytes
            }
            let count = ONNXTensor(shape: shape, elementBytes: size).elements ?? Int.max
            return shaped(shape, count <= ONNXTensor.smallTensor ? [Double](repeating: fill, count: count) : nil, bytes: size)
        case "Range":
            guard let start = values(0)?.first, let limit = values(1)?.first, let delta = values(2)?.first, delta != 0 else {
                return shaped(nil)
            }
            guard let steps = Self.integer(((limit - start) / delta).rounded(.up)) else { return shaped(nil) }
            let count = max(steps, 0)
            return shaped([count], count <= ONNXTensor.smallTensor ? (0..<count).map { start + Double($0) * delta } : nil)

        case "Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "Erf", "Gelu", "HardSigmoid", "HardSwish", "Elu", "Selu", "Softplus",
            "Softsign", "Mish", "Clip", "Exp", "Log", "Abs", "Neg", "Sqrt", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Not",
            "Sin", "Cos", "IsNaN", "Softmax", "LogSoftmax", "Hardmax", "BatchNormalization", "InstanceNormalization", "LRN",
            "LayerNormalization", "GroupNormalization", "RMSNormalization", "SimplifiedLayerNormalization":
            var out = same()
            if let v = x?.values, let f = Self.unary[node.op] { out[0].values = v.map(f) }
            return out

        case "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Mean", "Sum", "Equal", "Less", "Greater", "LessOrEqual",
            "GreaterOrEqual", "And", "Or", "Xor", "Mod", "Where", "BitShift":
            let shapes = inputs.map { $0?.shape }
            guard shapes.allSatisfy({ $0 != nil }), let shape = broadcast(shapes.map { $0! }) else { return shaped(nil) }
            let comparison = ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"].contains(node.op)
            let size = node.op == "Where" ? (inputs[1]?.elementBytes ?? bytes) : comparison ? 1 : bytes
            return shaped(shape, elementwiseValues(node.op, inputs, shape: shape), bytes: size)

        case "Conv", "ConvInteger", "QLinearConv":
            let w = node.op == "QLinearConv" ? inputs[3] : inputs[1]
            guard let xs = x?.shape, let ws = w?.shape, xs.count >= 3, ws.count == xs.count else { return shaped(nil) }
            let kernel = node.ints("kernel_shape") ?? Array(ws.dropFirst(2))
            let spatial = convolutionSpatial(node, input: Array(xs.dropFirst(2)), kernel: kernel)
            return shaped(spatial.map { [xs[0], ws[0]] + $0 })
        case "ConvTranspose":
            guard let xs = x?.shape, let ws = inputs[1]?.shape, xs.count >= 3, ws.count == xs.count else { return shaped(nil) }
            let group = node.int("group") ?? 1
            let channels = ws[1] * group
            if let output = node.ints("output_shape") { return shaped([xs[0], channels] + output.suffix(xs.count - 2)) }
            let kernel = node.ints("kernel_shape") ?? Array(ws.dropFirst(2))
            let n = xs.count - 2
            let strides = node.ints("strides") ?? Array(repeating: 1, count: n)
            let dilations = node.ints("dilations") ?? Array(repeating: 1, count: n)
            let pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * n)
            let outputPadding = node.ints("output_padding") ?? Array(repeating: 0, count: n)
            guard kernel.count == n, strides.count == n, dilations.count == n, pads.count == 2 * n, outputPadding.count == n else {
                return shaped(nil)
            }
            let spatial = (0..<n).map { i -> Int in
                let window: Int = (kernel[i] - 1) * dilations[i] + 1
                return strides[i] * (xs[i + 2] - 1) + outputPadding[i] + window - pads[i] - pads[i + n]
            }
            return shaped([xs[0], channels] + spatial)
        case "MaxPool", "AveragePool", "LpPool":
            guard let xs = x?.shape, xs.count >= 3, let kernel = node.ints("kernel_shape") else { return shaped(nil) }
            let spatial = convolutionSpatial(node, input: Array(xs.dropFirst(2)), kernel: kernel)
            return shaped(spatial.map { Array(xs.prefix(2)) + $0 })
        case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool":
            guard let xs = x?.shape, xs.count >= 2 else { return shaped(nil) }
            return shaped(Array(xs.prefix(2)) + Array(repeating: 1, count: xs.count - 2))

        case "Gemm":
            guard let a = x?.shape, let b = inputs[1]?.shape, a.count == 2, b.count == 2 else { return shaped(nil) }
            let m = (node.int("transA") ?? 0) == 0 ? a[0] : a[1]
            let n = (node.int("transB") ?? 0) == 0 ? b[1] : b[0]
            return shaped([m, n])
        case "MatMul", "MatMulInteger", "FusedMatMul":
            guard let a = x?.shape, let b = inputs[1]?.shape, !a.isEmpty, !b.isEmpty else { return shaped(nil) }
            return shaped(matmulShape(a, b))

        case "Concat":
            let shapes = inputs.map { $0?.shape }
            guard let first = shapes.first ?? nil, shapes.allSatisfy({ $0?.count == first.count }), let axisAttr = node.int("axis") else {
                return shaped(nil)
            }
            guard let axis = index(axisAttr, first.count) else { return shaped(nil) }
            var shape = first
            shape[axis] = shapes.reduce(0) { $0 + $1![axis] }
            let all = inputs.map { $0?.values }
            let joined: [Double]? = axis == 0 && all.allSatisfy { $0 != nil } ? all.flatMap { $0! } : nil
            return shaped(shape, joined)
        case "Split":
            let parts = node.outputs.count
            guard let xs = x?.shape, parts > 0, let axis = index(node.int("axis") ?? 0, xs.count) else {
                return node.outputs.map { _ in ONNXTensor(shape: nil, elementBytes: bytes) }
            }
            let sizes =
                ints(1) ?? node.ints("split")
                ?? {
                    let each = (xs[axis] + parts - 1) / parts
                    return (0..<parts).map { min(each, max(xs[axis] - $0 * each, 0)) }
                }()
            return sizes.map { size in
                var shape = xs
                shape[axis] = size
                return ONNXTensor(shape: shape, elementBytes: bytes)
            }
        case "Slice":
            guard let xs = x?.shape else { return shaped(nil) }
            let starts = node.ints("starts") ?? ints(1)
            let ends = node.ints("ends") ?? ints(2)
            guard let starts, let ends else { return shaped(nil) }
            let axes = (node.ints("axes") ?? ints(3) ?? Array(0..<starts.count)).compactMap { index($0, xs.count) }
            let steps = ints(4) ?? Array(repeating: 1, count: starts.count)
            guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else { return shaped(nil) }
            var shape = xs
            var sliced = x?.values
            for (i, axis) in axes.enumerated() {
                let (start, count, step) = sliceRange(dim: xs[axis], start: starts[i], end: ends[i], step: steps[i])
                shape[axis] = count
                if xs.count == 1, let v = sliced { sliced = (0..<count).map { v[start + $0 * step] } }
            }
            return shaped(shape, xs.count == 1 ? sliced : nil)
        case "Reshape":
            guard let target = ints(1) ?? node.ints("shape"), let elements = x?.elements else { return shaped(nil) }
            let allowZero = (node.int("allowzero") ?? 0) != 0
            let dims = x?.shape ?? []
            var shape = target.enumerated().map { i, d in d == 0 && !allowZero ? (i < dims.count ? dims[i] : 0) : d }
            if let hole = shape.firstIndex(of: -1) {
                let others = shape.enumerated().filter { $0.offset != hole }.map(\.element)
                let known = ONNXTensor(shape: others, elementBytes: bytes).elements ?? 0
                shape[hole] = known > 0 ? elements / known : 0
            }
            return shaped(shape, x?.values)
        case "Flatten":
            guard let xs = x?.shape, let axis = index(node.int("axis") ?? 1, xs.count + 1) else { return shaped(nil) }
            let outer = ONNXTensor(shape: Array(xs.prefix(axis)), elementBytes: bytes).elements
            let inner = ONNXTensor(shape: Array(xs.dropFirst(axis)), elementBytes: bytes).elements
            guard let outer, let inner else { return shaped(nil) }
            return shaped([outer, inner], x?.values)
        case "Squeeze":
            guard let xs = x?.shape else { return shaped(nil) }
            let axes = (node.ints("axes") ?? ints(1)).map { Set($0.map { normalize($0, xs.count) }) } ?? Set(xs.indices.filter { xs[$0] == 1 })
            return shaped(xs.indices.filter { !axes.contains($0) }.map { xs[$0] }, x?.values)
        case "Unsqueeze":
            guard let xs = x?.shape, let axes = node.ints("axes") ?? ints(1) else { return shaped(nil) }
            let outRank = xs.count + axes.count
            let inserted = Set(axes.map { normalize($0, outRank) })
            var rest = xs.makeIterator()
            return shaped((0..<outRank).map { inserted.contains($0) ? 1 : rest.next() ?? 1 }, x?.values)
        case "Transpose":
            guard let xs = x?.shape else { return shaped(nil) }
            let perm = node.ints("perm") ?? Array(xs.indices.reversed())
            guard perm.count == xs.count, perm.allSatisfy(xs.indices.contains) else { return shaped(nil) }
            return shaped(perm.map { xs[$0] })
        case "Expand":
            guard let xs = x?.shape, let target = ints(1), let shape = broadcast([xs, target]) else { return shaped(nil) }
            return shaped(shape)
        case "Tile":
            guard let xs = x?.shape, let repeats = ints(1), repeats.count == xs.count else { return shaped(nil) }
            return shaped(zip(xs, repeats).map(*))
        case "Pad":
            guard let xs = x?.shape, let pads = ints(1) ?? node.ints("pads") else { return shaped(nil) }
            let axes = (ints(3) ?? Array(xs.indices)).compactMap { index($0, xs.count) }
            guard pads.count == 2 * axes.count else { return shaped(nil) }
            var shape = xs
            for (i, axis) in axes.enumerated() { shape[axis] += pads[i] + pads[i + axes.count] }
            return shaped(shape)
        case "Gather":
            guard let xs = x?.shape, let indices = inputs[1]?.shape, let axis = index(node.int("axis") ?? 0, xs.count) else {
                return shaped(nil)
            }
            let shape = Array(xs.prefix(axis)) + indices + Array(xs.dropFirst(axis + 1))
            var gathered: [Double]?
            if xs.count == 1, let v = x?.values, let idx = values(1) {
                let positions = idx.compactMap { Self.integer($0).flatMap { index($0, v.count) } }
                gathered = positions.count == idx.count ? positions.map { v[$0] } : nil
            }
            return shaped(shape, gathered)
        case "GatherElements":
            return shaped(inputs[1]?.shape)
        case "Resize", "Upsample":
            guard let xs = x?.shape else { return shaped(nil) }
            if node.op == "Resize", let sizes = ints(3), sizes.count == xs.count { return shaped(sizes) }
            // Resize: X, roi, scales, sizes (opset 10: X, scales); Upsample: X, scales (or an attribute).
            let scales = node.op == "Upsample" ? (values(1) ?? node.floats("scales")) : (values(2) ?? values(1))
            guard let scales, scales.count == xs.count else { return shaped(nil) }
            let sizes = zip(xs, scales).compactMap { Self.integer((Double($0) * $1).rounded(.down)) }
            return shaped(sizes.count == xs.count ? sizes : nil)
        case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "ReduceL1", "ReduceSumSquare",
            "ReduceLogSumExp", "ArgMax", "ArgMin":
            guard let xs = x?.shape else { return shaped(nil) }
            let keep = (node.int("keepdims") ?? 1) != 0
            let listed = node.op.hasPrefix("Arg") ? [node.int("axis") ?? 0] : (node.ints("axes") ?? ints(1))
            let axes = Set((listed ?? Array(xs.indices)).map { normalize($0, xs.count) })
            let shape = xs.indices.compactMap { axes.contains($0) ? (keep ? 1 : nil) : xs[$0] }
            return shaped(shape, bytes: node.op.hasPrefix("Arg") ? 8 : bytes)
        case "TopK":
            guard var shape = x?.shape, let k = ints(1)?.first ?? node.int("k"), let axis = index(node.int("axis") ?? -1, rank) else {
                return [ONNXTensor(shape: nil, elementBytes: bytes)]
            }
            shape[axis] = k
            return [ONNXTensor(shape: shape, elementBytes: bytes), ONNXTensor(shape: shape, elementBytes: 8)]
        default:
            return shaped(nil)
        }
    }

    // MARK: - Helpers

    static let unary: [String: @Sendable (Double) -> Double] = [
        "Neg": { -$0 }, "Sqrt": { $0.squareRoot() }, "Abs": { abs($0) }, "Floor": { $0.rounded(.down) },
        "Ceil": { $0.rounded(.up) }, "Reciprocal": { 1 / $0 }, "Relu": { max($0, 0) },
    ]

    private func normalize(_ axis: Int, _ rank: Int, clamp: Bool = false) -> Int {
        let value = axis < 0 ? axis + rank : axis
        return clamp ? min(max(value, 0), rank) : value
    }

    /// A tensor value as an integer: nil for NaN, clamped to ±2⁵³ (exporters write INT64_MAX for
    /// "to the end", which no Int conversion survives, and shape arithmetic must not overflow).
    static func integer(_ value: Double) -> Int? {
        guard !value.isNaN else { return nil }
        let limit = 9_007_199_254_740_992.0
        return Int(min(max(value, -limit), limit))
    }

    /// An axis (negative counts from the end) as an index below `rank`, or nil when out of range:
    /// malformed models get an unknown shape, not a crash.
    private func index(_ axis: Int, _ rank: Int) -> Int? {
        let value = axis < 0 ? axis + rank : axis
        return (0..<rank).contains(value) ? value : nil
    }

    /// Multidirectional (numpy) broadcasting.
    private func broadcast(_ shapes: [[Int]]) -> [Int]? {
        let rank = shapes.map(\.count).max() ?? 0
        var result = [Int](repeating: 1, count: rank)
        for shape in shapes {
            for (i, d) in shape.enumerated() {
                let at = rank - shape.count + i
                if result[at] == 1 {
                    result[at] = d
                } else if d != 1 && d != result[at] {
                    return nil
                }
            }
        }
        return result
    }

    private func matmulShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let a2 = a.count == 1 ? [1] + a : a
        let b2 = b.count == 1 ? b + [1] : b
        guard let batch = broadcast([Array(a2.dropLast(2)), Array(b2.dropLast(2))]) else { return nil }
        var shape = batch + [a2[a2.count - 2], b2[b2.count - 1]]
        if b.count == 1 { shape.removeLast() }
        if a.count == 1 { shape.remove(at: shape.count - (b.count == 1 ? 1 : 2)) }
        return shape
    }

    /// Output spatial size of a convolution or pooling window (pads, strides, dilations,
    /// auto_pad, ceil_mode).
    private func convolutionSpatial(_ node: ONNXGraph.Node, input: [Int], kernel: [Int]) -> [Int]? {
        let n = input.count
        guard kernel.count == n else { return nil }
        let strides = node.ints("strides") ?? Array(repeating: 1, count: n)
        let dilations = node.ints("dilations") ?? Array(repeating: 1, count: n)
        let pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * n)
        guard strides.count == n, strides.allSatisfy({ $0 > 0 }), dilations.count == n, pads.count == 2 * n else { return nil }
        let ceilMode = (node.int("ceil_mode") ?? 0) != 0
        let autoPad = node.string("auto_pad") ?? "NOTSET"
        return (0..<n).map { i in
            let window = (kernel[i] - 1) * dilations[i] + 1
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER": return (input[i] + strides[i] - 1) / strides[i]
            case "VALID": return (input[i] - window) / strides[i] + 1
            default:
                let span = input[i] + pads[i] + pads[i + n] - window
                return (ceilMode ? (span + strides[i] - 1) / strides[i] : span / strides[i]) + 1
            }
        }
    }

    /// First index, element count and step of a Slice along a dimension (ONNX clamping rules).
    private func sliceRange(dim: Int, start: Int, end: Int, step: Int) -> (Int, Int, Int) {
        let step = step == 0 ? 1 : step
        func clamp(_ value: Int, _ low: Int, _ high: Int) -> Int { min(max(value < 0 ? value + dim : value, low), high) }
        if step > 0 {
            let s = clamp(start, 0, dim)
            let e = clamp(end, 0, dim)
            return (s, max(0, (e - s + step - 1) / step), step)
        }
        let s = clamp(start, 0, dim - 1)
        let e = clamp(end, -1, dim - 1)
        return (s, max(0, (s - e - step - 1) / -step), step)
    }

    /// Values of small element-wise results, for the shape arithmetic exporters emit (operands
    /// of equal size or scalars); nil for anything else.
    private func elementwiseValues(_ op: String, _ inputs: [ONNXTensor?], shape: [Int]) -> [Double]? {
        let count = ONNXTensor(shape: shape, elementBytes: 8).elements ?? Int.max
        let operands = inputs.map { $0?.values }
        guard count <= ONNXTensor.smallTensor, !operands.isEmpty,
            operands.allSatisfy({ $0 != nil && ($0!.count == count || $0!.count == 1) })
        else { return nil }
        let integer = inputs[0]!.elementBytes == 8
        var result: [Double] = []
        result.reserveCapacity(count)
        for i in 0..<count {
            let v = operands.map { $0!.count == 1 ? $0![0] : $0![i] }
            let (x, y) = (v[0], v.count > 1 ? v[1] : 0)
            let value: Double
            switch op {
            case "Add", "Sum": value = x + y
            case "Sub": value = x - y
            case "Mul": value = x * y
            case "Div": value = y == 0 ? 0 : integer ? (x / y).rounded(.towardZero) : x / y
            case "Max": value = max(x, y)
            case "Min": value = min(x, y)
            case "Equal": value = x == y ? 1 : 0
            case "Less": value = x < y ? 1 : 0
            case "Greater": value = x > y ? 1 : 0
            case "Where" where v.count == 3: value = x != 0 ? y : v[2]
            default: return nil
            }
            result.append(value)
        }
        return result
    }
}
