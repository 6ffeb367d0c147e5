import ArgumentParser
import Ingest
import PlacementModel

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert models and placement inputs of other tools into dnnplace instances.",
        subcommands: [NeurIPS20Input.self])

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
                    printError("\(out): \(problem.layerCount) layers, \(problem.graph.edgeCount) edges, \(problem.deviceCount) devices")
                } else {
                    print(text, terminator: "")
                }
            }
        }
    }
}
