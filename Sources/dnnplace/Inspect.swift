import ArgumentParser
import Ingest
import PlacementModel
import Reports

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise an ONNX model as dnnplace sees it: layers, multiply-adds, parameters.",
        discussion: """
            Shapes are inferred in Swift (value_info fills in what inference cannot work out); \
            weights may be external or absent. Views (Reshape, Flatten, Squeeze, Unsqueeze, \
            Identity, Dropout) fold into the layer that produces their input; weights, \
            constants and shape arithmetic become no layer. MACs count the matrix operators \
            (Conv, ConvTranspose, Gemm, MatMul), as papers report them. Operators whose \
            arithmetic is not modelled are listed and costed by the bytes they move.

            Examples:
              dnnplace inspect instances/onnx/resnet50.onnx
              dnnplace inspect instances/onnx/bert-base.onnx --json
            """)

    @Argument(help: "The ONNX model.")
    var model: String

    @OptionGroup var batch: ONNXBatch

    @Flag(help: "Print {nodes, layers, macs, params, unsupportedOps, ops, warnings} as JSON.")
    var json = false

    func run() throws {
        try reportingInputErrors {
            let network = try ONNXNetwork.load(path: model, batch: batch.size)
            if json {
                print(
                    JSONValue.record([
                        "nodes": .number(Double(network.nodes)), "layers": .number(Double(network.works.count)),
                        "macs": .number(network.macs), "params": .number(network.params),
                        "unsupportedOps": .array(network.unsupportedOps.map { .string($0) }),
                        "ops": .object(network.opCounts.sorted { $0.key < $1.key }.map { JSONMember($0.key, .number(Double($0.value))) }),
                        "warnings": .array(network.warnings.map { .string($0) }),
                    ]).serialized(pretty: true))
                return
            }
            print("\(model): \(counted(network.nodes, "node")), \(counted(network.works.count, "layer")), \(counted(network.edges.count, "edge"))")
            print("multiply-adds \(formatSignificant(network.macs / 1e9)) G, parameters \(formatSignificant(network.params / 1e6)) M")
            var table = TextTable(["op", "nodes"], rightAligned: [1])
            for (op, count) in network.opCounts.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) { table.append([op, "\(count)"]) }
            print("\n" + table.render())
            if !network.unsupportedOps.isEmpty {
                print("\nnot modelled (costed by bytes): \(network.unsupportedOps.joined(separator: ", "))")
            }
            for warning in network.warnings { printError("warning: \(warning)") }
        }
    }
}
