import Foundation
import PlacementModel
import Testing

@testable import Ingest

struct ONNXTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("instances/onnx")
    static func path(_ name: String) -> String { folder.appendingPathComponent("\(name).onnx").path }

    /// Published multiply-adds (torchvision's model docs; ViT-B/16: Dosovitskiy et al.) and the
    /// BERT-base encoder at 128 tokens by hand: 12 × (4·128·768² + 2·128·768·3072 + 2·128²·768).
    static let bertMACs: Double = 12 * (4 * 128 * 768 * 768 + 2 * 128 * 768 * 3072 + 2 * 128 * 128 * 768)
    static let publishedMACs: [(String, Double, Double)] = [
        ("resnet50", 4.09e9, 0.005), ("mobilenetv2", 0.30e9, 0.01), ("vit-b16", 17.56e9, 0.005), ("bert-base", bertMACs, 1e-9),
        // The same ViT through PyTorch's torch.export-based exporter (opset 20, other patterns).
        ("vit-b16-dynamo", 17.56e9, 0.005),
    ]

    @Test(arguments: publishedMACs)
    func multiplyAddsMatchPublishedFigures(name: String, macs: Double, tolerance: Double) throws {
        let network = try ONNXNetwork.load(path: Self.path(name))
        #expect(abs(network.macs - macs) / macs <= tolerance, "\(name): \(network.macs)")
        #expect(network.unsupportedOps.isEmpty)
        #expect(network.warnings.isEmpty, "\(network.warnings)")
    }

    @Test func parametersMatchPublishedCounts() throws {
        // ResNet-50 25.56 M with batch norm (25.53 M once the exporter folds it into the
        // convolutions); ViT-B/16 86.6 M; MobileNetV2 3.50 M (3.49 M folded).
        let expected = ["resnet50": 25.53e6, "vit-b16": 86.57e6, "mobilenetv2": 3.49e6]
        for (name, params) in expected {
            let network = try ONNXNetwork.load(path: Self.path(name))
            #expect(abs(network.params - params) / params < 0.003, "\(name): \(network.params)")
        }
    }

    @Test(arguments: ["resnet50", "mobilenetv2", "vit-b16", "bert-base", "vit-b16-dynamo"])
    func shapeInferenceAloneReproducesTheStatedShapes(name: String) throws {
        let graph = try ONNXGraph.load(path: Self.path(name))
        #expect(graph.statedShapes.count > 100)
        let inferred = ONNXNetwork(graph, useStatedShapes: false).tensors
        let wrong = graph.statedShapes.filter { inferred[$0.key]?.tensor.shape != $0.value }
        #expect(wrong.isEmpty, "\(name): \(wrong.prefix(5).map { "\($0.key): stated \($0.value), inferred \(String(describing: inferred[$0.key]?.tensor.shape))" })")
    }

    @Test func viewsFoldIntoTheirProducerAndConstantsBecomeNoLayer() throws {
        let network = try ONNXNetwork.load(path: Self.path("resnet50"))
        // 169 nodes: 53 Conv, 49 Relu, 16 Add, MaxPool, GlobalAveragePool, Gemm are layers; the 47
        // Identity nodes and the Flatten are views.
        #expect(network.nodes == 169)
        #expect(network.works.count == 121)
        #expect(!network.works.contains { OperatorWork.views.contains($0.op) })
        // Flatten folded: the classifier reads the pooled tensor directly.
        let pool = try #require(network.works.firstIndex { $0.op == "GlobalAveragePool" })
        let gemm = try #require(network.works.firstIndex { $0.op == "Gemm" })
        #expect(network.edges.contains { $0 == (pool, gemm) })
        #expect(network.works[gemm].inputElements == 2048)
        #expect(network.works[gemm].params == 2048 * 1000 + 1000)
        // BERT's shape arithmetic and embedding tables are no layers; its first layer is a lookup.
        let bert = try ONNXNetwork.load(path: Self.path("bert-base"))
        #expect(bert.works.filter { $0.op == "Constant" || $0.op == "Shape" }.isEmpty)
        #expect(bert.works.first?.op == "Gather")
    }

    @Test func batchScalesTheWork() throws {
        let one = try ONNXNetwork.load(path: Self.path("mobilenetv2"))
        let four = try ONNXNetwork.load(path: Self.path("mobilenetv2"), batch: 4)
        #expect(abs(four.macs - 4 * one.macs) < 1)
        #expect(four.params == one.params)
    }

    @Test func truncatedAndGarbageFilesAreNamedErrors() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.path("resnet50")))
        for (label, data, phrase) in [
            ("truncated", bytes.prefix(bytes.count / 2), "truncated"),
            ("garbage", Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }), "ONNX model"),
            ("json", Data("{\"format\": \"dnnplace-instance/1\"}".utf8), "ONNX model"),
        ] {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(label).onnx")
            try data.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            do {
                _ = try ONNXNetwork.load(path: file.path)
                Issue.record("\(label) accepted")
            } catch {
                let message = error.description
                #expect(message.contains(file.path) && message.contains(phrase), "\(label): \(message)")
            }
        }
    }

    /// A graph with an operator the importer does not model: it becomes a layer costed by bytes,
    /// with a warning, and the stated shape of its output is used.
    @Test func unmodelledOperatorsAreWarnedAboutAndCostedByBytes() throws {
        var builder = GraphBuilder(input: [1, 64])
        builder.node("Relu", ["x"], "a")
        builder.node("Mystery", ["a"], "b")
        builder.node("Relu", ["b"], "y")
        builder.state("b", [1, 32])
        let graph = try builder.graph()
        let network = ONNXNetwork(graph)
        #expect(network.unsupportedOps == ["Mystery"])
        #expect(network.warnings.contains { $0.contains("Mystery_1 (Mystery)") && $0.contains("not modelled") })
        let mystery = try #require(network.works.first { $0.op == "Mystery" })
        #expect(mystery.flops == 0 && mystery.inputElements == 64 && mystery.outputElements == 32)
        #expect(network.edges.map { [$0.0, $0.1] } == [[0, 1], [1, 2]])
        // Without the stated shape, the output is estimated from the input, never zero.
        let blind = ONNXNetwork(graph, useStatedShapes: false)
        #expect(blind.works.first { $0.op == "Mystery" }?.outputElements == 64)
        #expect(blind.warnings.contains { $0.contains("output shape unknown") })
    }

    /// Operators the bundled models do not use, against shapes worked out from the ONNX operator
    /// definitions by hand.
    @Test func shapeRulesOfLessCommonOperators() throws {
        var builder = GraphBuilder(input: [1, 3, 32, 32])
        builder.weight("w", [3, 8, 3, 3])
        // 2·(32 − 1) + output_padding 1 + (3 − 1) + 1 − pads 2 = 64.
        builder.node("ConvTranspose", ["x", "w"], "up", ["strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1]), "output_padding": .ints([1, 1])])
        // ceil((64 − 3) / 2) + 1 = 32 (31 without ceil_mode).
        builder.node("MaxPool", ["up"], "pooled", ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "ceil_mode": .int(1)])
        builder.constant("scales", [1, 1, 2, 2], float: true)
        builder.node("Resize", ["pooled", "", "scales"], "resized")
        builder.constant("pads", [0, 0, 1, 1, 0, 0, 1, 1])
        builder.node("Pad", ["resized", "pads"], "padded")
        builder.constant("starts", [2])
        builder.constant("ends", [-2])
        builder.constant("axes", [3])
        builder.node("Slice", ["padded", "starts", "ends", "axes"], "sliced")
        // From the last row backwards in steps of 2: rows 65, 63, ..., 1 = 33 rows.
        builder.constant("s2", [-1])
        builder.constant("e2", [-1_000_000])
        builder.constant("a2", [2])
        builder.constant("step2", [-2])
        builder.node("Slice", ["sliced", "s2", "e2", "a2", "step2"], "reversed")
        builder.node("Transpose", ["reversed"], "nhwc", ["perm": .ints([0, 2, 3, 1])])
        builder.node("ReduceMean", ["nhwc"], "mean", ["axes": .ints([1, 2]), "keepdims": .int(0)])
        builder.constant("shape", [0, -1, 2])
        builder.node("Reshape", ["mean", "shape"], "reshaped")
        // Exporters write INT64_MAX for "to the end".
        builder.constant("s3", [1])
        builder.constant("e3", [Int64.max])
        builder.constant("a3", [-1])
        builder.node("Slice", ["reshaped", "s3", "e3", "a3"], "y")
        let facts = ONNXNetwork(try builder.graph(), useStatedShapes: false).tensors
        let expected: [String: [Int]] = [
            "up": [1, 8, 64, 64], "pooled": [1, 8, 32, 32], "resized": [1, 8, 64, 64], "padded": [1, 8, 66, 66],
            "sliced": [1, 8, 66, 62], "reversed": [1, 8, 33, 62], "nhwc": [1, 33, 62, 8], "mean": [1, 8], "reshaped": [1, 4, 2],
            "y": [1, 4, 1],
        ]
        for (name, shape) in expected { #expect(facts[name]?.tensor.shape == shape, "\(name)") }
    }

    /// Corrupted copies of real models (a few bytes changed, seeded) are rejected or read, and
    /// never crash the reader, the shape inference or the layer building.
    @Test(arguments: ["resnet50", "vit-b16-dynamo"])
    func corruptedModelsNeverCrash(name: String) throws {
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.path(name))))
        var random = SeededGenerator(seed: 7)
        var read = 0
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            if let graph = try? ONNXGraph(data: Data(bytes)) {
                _ = ONNXNetwork(graph, batch: 2)
                read += 1
            }
        }
        #expect(read > 0)
    }

    @Test func importedModelsAreValidInstances() throws {
        let machine = try Machine.load(
            path: Self.folder.deletingLastPathComponent().appendingPathComponent("devices/cpu-2gpu.json").path)
        for name in ["resnet50", "mobilenetv2", "vit-b16", "bert-base", "vit-b16-dynamo"] {
            let network = try ONNXNetwork.load(path: Self.path(name))
            let instance = try CostModel.instance(
                name: network.name, works: network.works, edges: network.edges, machine: machine, precisions: ["fp32", "fp16", "int8"])
            let problem = try Problem(instance)
            #expect(problem.layerCount == network.works.count)
            #expect(instance.name == name)
        }
    }
}

/// Builds small ONNX models in memory, for operator-level tests.
private struct GraphBuilder {
    var model = Onnx_ModelProto()

    init(input: [Int64]) {
        model.irVersion = 8
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 17
        model.opsetImport = [opset]
        model.graph.input = [Self.value("x", input)]
    }

    static func value(_ name: String, _ dims: [Int64]) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType.elemType = 1
        info.type.tensorType.shape.dim = dims.map {
            var dim = Onnx_TensorShapeProto.Dimension()
            dim.dimValue = $0
            return dim
        }
        return info
    }

    mutating func node(_ op: String, _ inputs: [String], _ output: String, _ attributes: [String: ONNXGraph.Attribute] = [:]) {
        var node = Onnx_NodeProto()
        node.opType = op
        node.input = inputs
        node.output = [output]
        node.attribute = attributes.map { name, value in
            var attribute = Onnx_AttributeProto()
            attribute.name = name
            switch value {
            case .int(let v):
                attribute.type = .int
                attribute.i = Int64(v)
            case .ints(let v):
                attribute.type = .ints
                attribute.ints = v.map { Int64($0) }
            default: break
            }
            return attribute
        }
        model.graph.node.append(node)
    }

    /// A stated shape (value_info).
    mutating func state(_ name: String, _ dims: [Int64]) { model.graph.valueInfo.append(Self.value(name, dims)) }

    /// A weight without values, as stripped models store it.
    mutating func weight(_ name: String, _ dims: [Int64]) {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims
        tensor.dataType = 1
        tensor.dataLocation = .external
        model.graph.initializer.append(tensor)
    }

    /// A small 1-D constant (int64, or float).
    mutating func constant(_ name: String, _ values: [Int64], float: Bool = false) {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = [Int64(values.count)]
        if float {
            tensor.dataType = 1
            tensor.floatData = values.map { Float($0) }
        } else {
            tensor.dataType = 7
            tensor.int64Data = values
        }
        model.graph.initializer.append(tensor)
    }

    func graph() throws -> ONNXGraph { try ONNXGraph(data: try model.serializedData()) }
}
