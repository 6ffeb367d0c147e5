import PlacementModel

/// An ONNX model as layers to place: every node that computes on the input data becomes a
/// layer, except views (folded into their producer); weights, constants and shape arithmetic
/// are computed before the model runs and become no layer. Each layer carries its FLOPs, the
/// elements it reads from other layers, its parameters and its output elements.
public struct ONNXNetwork: Sendable {
    public var name: String
    public var nodes: Int
    public var works: [LayerWork]
    public var edges: [(Int, Int)]
    /// Multiply-adds of the matrix operators (Conv, Gemm, MatMul, ...), the figure papers report.
    public var macs: Double
    /// Distinct weight elements the layers read.
    public var params: Double
    /// Nodes per operator type, over the whole graph.
    public var opCounts: [String: Int]
    /// Operator types costed by bytes only, because their arithmetic is not modelled.
    public var unsupportedOps: [String]
    public var warnings: [String]
    /// Every tensor's inferred facts (for inspection and tests).
    public var tensors: [String: TensorFacts]

    /// Reads a model; the network is named after the file (exporters' graph names are
    /// mostly generic, such as torch's "main_graph").
    public static func load(path: String, batch: Int? = nil) throws(InputError) -> ONNXNetwork {
        var network = ONNXNetwork(try ONNXGraph.load(path: path), batch: batch)
        let file = path.split(separator: "/").last.map(String.init) ?? path
        network.name = file.lowercased().hasSuffix(".onnx") ? String(file.dropLast(5)) : file
        return network
    }

    /// `useStatedShapes: false` ignores the shapes the file states, to test inference alone.
    public init(_ graph: ONNXGraph, batch: Int? = nil, useStatedShapes: Bool = true) {
        let inference = ShapeInference(graph: graph, batch: batch, useStatedShapes: useStatedShapes)
        let facts = inference.facts
        name = graph.name
        nodes = graph.nodes.count
        tensors = facts
        warnings = inference.warnings
        works = []
        edges = []
        macs = 0
        opCounts = [:]
        var unsupported: Set<String> = []
        var producer: [String: Int] = [:]
        var weights: [String: Double] = [:]
        var names: Set<String> = []
        for node in graph.nodes {
            opCounts[node.op, default: 0] += 1
            let inputs = node.inputs.map { $0.isEmpty ? nil : facts[$0] }
            guard inputs.contains(where: { $0?.dynamic == true }), node.op != "Shape", node.op != "Size" else { continue }
            let dynamicInputs = node.inputs.filter { facts[$0]?.dynamic == true }
            if OperatorWork.views.contains(node.op) {
                for output in node.outputs { producer[output] = dynamicInputs.first.flatMap { producer[$0] } }
                continue
            }
            var outputElements = Double(node.outputs.compactMap { facts[$0]?.tensor.elements }.reduce(0, +))
            let inputElements = Double(dynamicInputs.compactMap { facts[$0]?.tensor.elements }.reduce(0, +))
            if node.outputs.contains(where: { facts[$0]?.tensor.shape == nil }) {
                warnings.append("\(node.name) (\(node.op)): output shape unknown; taken as its input's size")
                outputElements = max(outputElements, inputElements)
            }
            let (nodeMACs, flops, modelled) = OperatorWork.arithmetic(node, inputs: inputs.map { $0?.tensor }, outputElements: outputElements)
            if !modelled {
                unsupported.insert(node.op)
                warnings.append("\(node.name) (\(node.op)): arithmetic not modelled; costed by the bytes it moves")
            }
            // Weights: float tensors fixed before the run (shapes, axes and scalars excluded).
            var params = 0.0
            for input in node.inputs {
                guard let fact = facts[input], !fact.dynamic, let elements = fact.tensor.elements, elements > 1,
                    fact.tensor.elementBytes != 8, !(fact.tensor.elementBytes == 4 && fact.tensor.values != nil && elements <= 8)
                else { continue }
                params += Double(elements)
                weights[input] = Double(elements)
            }
            var layerName = node.name
            var suffix = 1
            while !names.insert(layerName).inserted {
                suffix += 1
                layerName = "\(node.name)#\(suffix)"
            }
            let index = works.count
            works.append(
                LayerWork(
                    name: layerName, op: node.op, units: OperatorWork.matrixOps.contains(node.op) ? .tensor : .vector, flops: flops,
                    inputElements: inputElements, params: params, outputElements: outputElements))
            macs += nodeMACs
            for from in Set(dynamicInputs.compactMap { producer[$0] }).sorted() { edges.append((from, index)) }
            for output in node.outputs { producer[output] = index }
        }
        params = weights.values.reduce(0, +)
        unsupportedOps = unsupported.sorted()
    }
}
