/// The arithmetic of one ONNX node with known shapes: multiply-adds on the matrix units, FLOPs
/// elsewhere. Data movement (Concat, Slice, Transpose, Gather, ...) costs bytes only; an
/// operator not listed here is reported as unmodelled and also costed by its bytes.
enum OperatorWork {
    /// Operators that only relabel a tensor (same bytes in the same order, or a no-op at
    /// inference): folded into the layer that produces their input.
    static let views: Set<String> = ["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout"]

    static let matrixOps: Set<String> = ["Conv", "ConvInteger", "QLinearConv", "ConvTranspose", "Gemm", "MatMul", "MatMulInteger", "FusedMatMul"]

    /// FLOPs per output element of element-wise operators: 1 for arithmetic, 4 for
    /// transcendental functions (a polynomial or table evaluation).
    static let elementwise: [String: Double] = {
        var table: [String: Double] = [:]
        for op in [
            "Add", "Sub", "Mul", "Div", "Max", "Min", "Mean", "Sum", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
            "And", "Or", "Xor", "Not", "Mod", "Relu", "LeakyRelu", "PRelu", "Clip", "Abs", "Neg", "Floor", "Ceil", "Round", "Sign",
            "Reciprocal", "HardSigmoid", "BitShift", "IsNaN",
        ] { table[op] = 1 }
        for op in ["Sigmoid", "Tanh", "Erf", "Gelu", "HardSwish", "Elu", "Selu", "Softplus", "Softsign", "Mish", "Exp", "Log", "Sqrt", "Pow", "Sin", "Cos"] {
            table[op] = 4
        }
        return table
    }()

    /// FLOPs per element of normalisations and softmax (statistics, normalise, scale, shift).
    static let normalisation: [String: Double] = [
        "BatchNormalization": 2, "InstanceNormalization": 5, "LayerNormalization": 5, "GroupNormalization": 5,
        "RMSNormalization": 4, "SimplifiedLayerNormalization": 4, "Softmax": 5, "LogSoftmax": 5, "Hardmax": 2,
    ]

    static let dataMovement: Set<String> = [
        "Concat", "Split", "Slice", "Transpose", "Gather", "GatherElements", "GatherND", "Pad", "Expand", "Tile", "Where", "Cast",
        "CastLike", "ScatterND", "ScatterElements", "DepthToSpace", "SpaceToDepth",
    ]

    static let reductions: Set<String> = [
        "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd",
        "ReduceL2", "ReduceL1", "ReduceSumSquare", "ReduceLogSumExp", "ArgMax", "ArgMin", "TopK",
    ]

    /// (multiply-adds, FLOPs, modelled) of a node; `inputs` and `outputs` are the tensors' facts.
    static func arithmetic(_ node: ONNXGraph.Node, inputs: [ONNXTensor?], outputElements: Double) -> (macs: Double, flops: Double, modelled: Bool) {
        let inputElements = Double(inputs.first??.elements ?? 0)
        func shape(_ i: Int) -> [Int]? { i < inputs.count ? inputs[i]?.shape : nil }
        let hasBias = { (i: Int) in node.input(i) != nil }
        switch node.op {
        case "Conv", "ConvInteger", "QLinearConv":
            guard let w = shape(node.op == "QLinearConv" ? 3 : 1), w.count >= 2 else { return (0, 0, false) }
            let macs = outputElements * w.dropFirst().reduce(1.0) { $0 * Double($1) }
            return (macs, 2 * macs + (hasBias(node.op == "QLinearConv" ? 8 : 2) ? outputElements : 0), true)
        case "ConvTranspose":
            guard let w = shape(1), w.count >= 2 else { return (0, 0, false) }
            let macs = inputElements * w.dropFirst().reduce(1.0) { $0 * Double($1) }
            return (macs, 2 * macs + (hasBias(2) ? outputElements : 0), true)
        case "Gemm":
            guard let a = shape(0), a.count == 2 else { return (0, 0, false) }
            let k = Double((node.int("transA") ?? 0) == 0 ? a[1] : a[0])
            return (outputElements * k, 2 * outputElements * k + (hasBias(2) ? outputElements : 0), true)
        case "MatMul", "MatMulInteger", "FusedMatMul":
            guard let a = shape(0), let k = a.last else { return (0, 0, false) }
            return (outputElements * Double(k), 2 * outputElements * Double(k), true)
        case "MaxPool", "AveragePool", "LpPool":
            return (0, outputElements * (node.ints("kernel_shape") ?? [1]).reduce(1.0) { $0 * Double($1) }, true)
        case "Resize", "Upsample":
            let mode = node.string("mode") ?? "nearest"
            return (0, outputElements * (mode == "cubic" ? 16 : mode == "nearest" ? 1 : 4), true)
        case "LRN":
            return (0, outputElements * Double(node.int("size") ?? 5), true)
        default:
            if let perElement = elementwise[node.op] { return (0, perElement * outputElements, true) }
            if let perElement = normalisation[node.op] { return (0, perElement * outputElements, true) }
            if reductions.contains(node.op) { return (0, inputElements, true) }
            if dataMovement.contains(node.op) { return (0, 0, true) }
            return (0, 0, false)
        }
    }
}
