import ArgumentParser
import Foundation
import Ingest
import PlacementModel

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write generated instances (for tests, benchmarks and experiments).",
        subcommands: [RandomDAG.self])

    struct RandomDAG: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "random",
            abstract: "A seeded random CNN-like DAG on one Xeon, an A100 and a T4.",
            discussion: """
                Each layer reads from 1 to 5 of the 16 layers before it (about 3 on average); \
                costs, parameters and outputs are drawn from the seed, so a seed always gives \
                the same instance.

                Example:
                  dnnplace generate random --layers 10000 --seed 1 --quantized --out big.json
                """)

        @Option(help: "Number of layers.")
        var layers = 100

        @Option(help: "Seed.")
        var seed: UInt64 = 1

        @Flag(help: "fp32, fp16 and int8 with sensitivities and an accuracy budget.")
        var quantized = false

        @Flag(help: "Two identical T4s instead of an A100 and a T4.")
        var twinGPUs = false

        @Option(help: "latency or throughput.")
        var objective: Objective = .latency

        @Option(help: "Output file (default: standard output).")
        var out: String?

        func validate() throws {
            guard layers >= 1 else { throw ValidationError("--layers must be at least 1") }
        }

        func run() throws {
            var generator = RandomInstance(layers: layers, seed: seed)
            generator.quantized = quantized
            generator.twinGPUs = twinGPUs
            generator.objective = objective
            let text = generator.instance().json.serialized(pretty: true) + "\n"
            try reportingInputErrors {
                if let out { try write(text, to: out) } else { print(text, terminator: "") }
            }
        }
    }
}
