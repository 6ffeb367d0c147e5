import ArgumentParser
import Foundation
import Ingest
import PlacementModel

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert models and placement inputs of other tools into dnnplace instances.",
        subcommands: [ONNXModel.self, NeurIPS20Input.self, MeasuredProfile.self])

    struct ONNXModel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "onnx",
            abstract: "Turn an ONNX model into an instance, costed on a machine by the roofline model.",
            discussion: """
                Every node that computes on the input data becomes a layer (views fold into \
                their producer); its costs come from its FLOPs and bytes on each device kind of \
                the machine at each precision (see `dnnplace inspect`). Weights may be external \
                or absent: only their shapes are needed. `solve` and `bound` also take an .onnx \
                file directly with the same --devices.

                Examples:
                  dnnplace import onnx instances/onnx/resnet50.onnx --devices instances/devices/cpu-2gpu.json --precisions fp32,fp16,int8 --out resnet50.json
                  dnnplace solve instances/onnx/vit-b16.onnx --devices instances/devices/cpu-2gpu.json --objective throughput
                """)

        @Argument(help: "The ONNX model.")
        var model: String

        @OptionGroup var batch: ONNXBatch

        @OptionGroup var costing: CostedInstanceOptions

        func run() throws {
            try reportingInputErrors {
                let network = try loadONNX(model, batch: batch.size)
                try costing.write(name: network.name, network: (network.works, network.edges))
            }
        }
    }

    struct NeurIPS20Input: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "neurips20",
            abstract: "Import a msr-fiddle/dnn-partitioning (NeurIPS 2020) placement input.",
            discussion: """
                Accelerators and CPU cores become devices, nodes layers, edge costs transfer \
                bytes; transfers are host-staged at bandwidth 1 without overlap (SPEC §8), so \
                the throughput period of a plan equals that paper's max-load.

                Example:
                  dnnplace import neurips20 resnet50_inference.throughput.json --out resnet50.json
                  dnnplace solve resnet50.json --method dp
                """)

        @Argument(help: "The input file (that repository's JSON).")
        var input: String

        @Option(help: "Where to write the dnnplace instance (default: standard output).")
        var out: String?

        func run() throws {
            try reportingInputErrors {
                let instance = try NeurIPS20.load(path: input)
                let problem = try Problem(instance)  // validate before writing
                let text = instance.json.serialized(pretty: true) + "\n"
                if let out {
                    try write(text, to: out)
                    printError("\(out): \(counted(problem.layerCount, "layer")), \(counted(problem.graph.edgeCount, "edge")), \(counted(problem.deviceCount, "device"))")
                } else {
                    print(text, terminator: "")
                }
            }
        }
    }

    struct MeasuredProfile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "profile",
            abstract: "Replace modelled layer costs by measured ones.",
            discussion: """
                PROFILE is a CSV with lines `layer,deviceKind,precision,seconds` (a header line \
                is allowed), or ONNX Runtime's profiling JSON (node kernel times), which needs \
                --kind and --precision since it names neither. Several measurements of one cost \
                (runs) are averaged.

                Examples:
                  dnnplace import profile model.json measured.csv --out model-measured.json
                  dnnplace import profile model.json onnxruntime_profile.json --kind t4 --precision fp16 --out model-measured.json
                """)

        @Argument(help: "The instance whose costs to override.")
        var instance: String

        @Argument(help: "The profile: .csv, or ONNX Runtime profiling .json.")
        var profile: String

        @Option(help: "Device kind the ONNX Runtime profile was measured on.")
        var kind: String?

        @Option(help: "Precision the ONNX Runtime profile was measured at.")
        var precision: String?

        @Option(help: "Where to write the instance (default: standard output).")
        var out: String?

        func validate() throws {
            if profile.hasSuffix(".json"), kind == nil || precision == nil {
                throw ValidationError("an ONNX Runtime profile needs --kind and --precision")
            }
        }

        func run() throws {
            try reportingInputErrors {
                let problem = try Instance.load(path: instance)
                let measured: Profile
                if profile.hasSuffix(".json") {
                    measured = try Profile.onnxRuntime(readJSON(path: profile), kind: kind!, precision: precision!, file: profile)
                } else {
                    measured = try Profile.csv(String(decoding: readFile(path: profile), as: UTF8.self), file: profile)
                }
                let updated = try measured.applied(to: problem.instance, file: profile)
                _ = try Problem(updated)
                let text = updated.json.serialized(pretty: true) + "\n"
                if let out { try write(text, to: out) } else { print(text, terminator: "") }
                printError("\(counted(measured.entries.count, "measured cost")) applied")
            }
        }
    }
}
