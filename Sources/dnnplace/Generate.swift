import ArgumentParser
import Foundation
import Ingest
import PlacementModel

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write generated instances (for tests, benchmarks and experiments).",
        subcommands: [RandomDAG.self, RandWireNetwork.self, Transformer.self, ResNet50.self])

    struct RandomDAG: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "random",
            abstract: "A seeded random CNN-like DAG on one Xeon, an A100 and a T4.",
            discussion: """
                Each layer reads from 1 to ⌊2·degree⌋−1 of the `window` layers before it (by \
                default 1 to 5 of 16, about 3 on average: wide DAGs like RandWire; \
                `--degree 1.5 --window 4` gives ResNet-like chains with short skips); costs, \
                parameters and outputs are drawn from the seed, so a seed always gives the same \
                instance.

                Example:
                  dnnplace generate random --layers 10000 --seed 1 --quantized --out big.json
                """)

        @Option(parsing: .unconditional, help: "Number of layers.")
        var layers = 100

        @Option(parsing: .unconditional, help: "Seed.")
        var seed: UInt64 = 1

        @Option(parsing: .unconditional, help: "Inputs per layer: each layer after the first reads 1 to ⌊2·degree⌋−1 earlier layers, uniformly.")
        var degree = 3.0

        @Option(parsing: .unconditional, help: "How many layers back a layer may read from.")
        var window = 16

        @Flag(help: "fp32, fp16 and int8 with sensitivities and an accuracy budget.")
        var quantized = false

        @Flag(name: .customLong("twin-gpus"), help: "Two identical T4s instead of an A100 and a T4 (a symmetry class).")
        var twinGPUs = false

        @Option(help: "latency or throughput.")
        var objective: Objective = .latency

        @Option(help: "Output file (default: standard output).")
        var out: String?

        func validate() throws {
            guard layers >= 1 else { throw ValidationError("--layers must be at least 1") }
            // Beyond that, ⌊2·degree⌋ overflows (infinity crashed the generator); no window is that wide.
            guard degree >= 1, degree <= 1e6 else { throw ValidationError("--degree must be from 1 to 1e6, not \(degree)") }
            guard window >= 1 else { throw ValidationError("--window must be at least 1") }
        }

        func run() throws {
            var generator = RandomInstance(layers: layers, seed: seed)
            generator.degree = degree
            generator.window = window
            generator.quantized = quantized
            generator.twinGPUs = twinGPUs
            generator.objective = objective
            let text = generator.instance().json.serialized(pretty: true) + "\n"
            try reportingInputErrors {
                if let out { try write(text, to: out) } else { print(text, terminator: "") }
            }
        }
    }

    struct RandWireNetwork: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "randwire",
            abstract: "A RandWire network (Xie et al. 2019) costed on a machine by the roofline model.",
            discussion: """
                Random graphs: ws (Watts-Strogatz, k = 4, p = 0.75), er (Erdős-Rényi, p = 0.2), ba \
                (Barabási-Albert, m = 5), one per stage, drawn from the seed. Layer costs come \
                from the machine's device catalog (instances/devices/).

                Example:
                  dnnplace generate randwire --graph ws --nodes 32 --seed 1 --devices instances/devices/cpu-2gpu.json --out rw.json
                """)

        @Option(help: "ws, er or ba.")
        var graph: RandWire.Graph = .ws

        @Option(parsing: .unconditional, help: "Nodes per random stage (N; the first stage has N/2).")
        var nodes = 32

        @Option(parsing: .unconditional, help: "Seed.")
        var seed: UInt64 = 1

        @Option(help: "small (C = 78) or regular (C = 109).")
        var regime: RandWire.Regime = .small

        @OptionGroup var costing: CostedInstanceOptions

        func validate() throws {
            guard nodes >= 4 else { throw ValidationError("--nodes must be at least 4") }
        }

        func run() throws {
            try reportingInputErrors {
                let network = RandWire.network(graph, nodes: nodes, regime: regime, seed: seed)
                try costing.write(name: "randwire-\(graph.rawValue)-\(nodes)-\(regime.rawValue)-s\(seed)", network: network)
            }
        }
    }
}

extension Generate {
    struct Transformer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A stack of transformer encoder blocks costed on a machine by the roofline model.",
            discussion: """
                Defaults are BERT-base (12 blocks, hidden 768, ffn 3072, 12 heads, vocab 30522); \
                ViT-B/16 is --sequence 197 --vocab 768 (its patch embedding as the first layer).

                Example:
                  dnnplace generate transformer --blocks 12 --sequence 128 --devices instances/devices/cpu-2gpu.json --precisions fp32,fp16,int8 --out bert.json
                """)

        @Option(parsing: .unconditional, help: "Blocks.") var blocks = 12
        @Option(parsing: .unconditional, help: "Hidden size.") var hidden = 768
        @Option(parsing: .unconditional, help: "MLP size.") var ffn = 3072
        @Option(parsing: .unconditional, help: "Attention heads.") var heads = 12
        @Option(parsing: .unconditional, help: "Tokens per sequence.") var sequence = 128
        @Option(parsing: .unconditional, help: "Sequences per input.") var batch = 1
        @Option(parsing: .unconditional, help: "Vocabulary (rows of the embedding).") var vocab = 30_522

        @OptionGroup var costing: CostedInstanceOptions

        func validate() throws {
            let sizes = [("--blocks", blocks), ("--hidden", hidden), ("--ffn", ffn), ("--heads", heads),
                         ("--sequence", sequence), ("--batch", batch), ("--vocab", vocab)]
            if let (name, value) = sizes.first(where: { $0.1 < 1 }) { throw ValidationError("\(name) must be at least 1, not \(value)") }
            guard hidden % heads == 0 else { throw ValidationError("--hidden must be a multiple of --heads") }
        }

        func run() throws {
            try reportingInputErrors {
                let network = TransformerStack.network(TransformerStack.Shape(
                    blocks: blocks, hidden: hidden, ffn: ffn, heads: heads, sequence: sequence, batch: batch, vocab: vocab))
                try costing.write(name: "transformer-\(blocks)x\(hidden)-s\(sequence)-b\(batch)", network: network)
            }
        }
    }
}

extension Generate {
    struct ResNet50: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resnet50",
            abstract: "ResNet-50 (torchvision v1.5, 224×224) costed on a machine by the roofline model.",
            discussion: """
                Example:
                  dnnplace generate resnet50 --devices instances/devices/cpu-2gpu.json --precisions fp32,fp16,int8 --out resnet50.json
                """)

        @Option(parsing: .unconditional, help: "Images per input.") var batch = 1

        @OptionGroup var costing: CostedInstanceOptions

        func validate() throws {
            // Batch 0 wrote a valid-looking instance of zero-work layers.
            guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        }

        func run() throws {
            try reportingInputErrors {
                let network = ResNet.resnet50(batch: batch)
                try costing.write(name: "resnet50-b\(batch)", network: network)
            }
        }
    }
}

extension RandWire.Graph: ExpressibleByArgument {}
extension RandWire.Regime: ExpressibleByArgument {}

/// What the catalog-costed generators share: the machine, precisions, objective, budget and
/// where to write; and the step that costs a network and writes the validated instance.
struct CostedInstanceOptions: ParsableArguments {
    @Option(help: "A machine file (dnnplace-machine/1).")
    var devices: String

    @Option(help: "Comma-separated precisions, the first the reference (e.g. fp32,fp16,int8).")
    var precisions = "fp32"

    @Option(help: "latency or throughput.")
    var objective: Objective = .latency

    @Option(parsing: .unconditional, help: "Accuracy budget: the largest Σ sensitivity of the plan (default: none).")
    var accuracyBudget: Double?

    @Option(help: "Output file (default: standard output).")
    var out: String?

    func validate() throws {
        // NaN was written as no budget at all.
        if let accuracyBudget, !(accuracyBudget >= 0 && accuracyBudget.isFinite) {
            throw ValidationError("--accuracy-budget must be a finite number, at least 0, not \(accuracyBudget)")
        }
    }

    func write(name: String, network: (works: [LayerWork], edges: [(Int, Int)])) throws {
        var instance = try CostModel.instance(
            name: name, works: network.works, edges: network.edges, machine: try Machine.load(path: devices),
            precisions: precisions.split(separator: ",").map(String.init), objective: objective)
        instance.accuracyBudget = accuracyBudget
        _ = try Problem(instance)
        let text = instance.json.serialized(pretty: true) + "\n"
        if let out { try dnnplace.write(text, to: out) } else { print(text, terminator: "") }
    }
}
