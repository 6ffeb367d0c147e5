import ArgumentParser

/// Benchmarks that write their figures to results/ (never timed tests). Run in release:
/// `swift run -c release dnnplace-benchmarks <name>`.
@main
struct Benchmarks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnnplace-benchmarks",
        abstract: "Measure dnnplace and write the figures to results/.",
        subcommands: [EvaluatorBenchmark.self, MILPBenchmark.self, SplitBenchmark.self, LLMBenchmark.self, RelaxationBenchmark.self, AutoBenchmark.self]
    )
}
