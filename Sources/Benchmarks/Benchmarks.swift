import ArgumentParser
import Foundation

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

/// Writes a benchmark's Markdown report (and its CSV rows, if any) into `folder` as
/// NAME.md and NAME.csv, and prints the report.
func publish(_ report: String, csv: [String]? = nil, as name: String, in folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try (report + "\n").write(toFile: "\(folder)/\(name).md", atomically: true, encoding: .utf8)
    if let csv { try (csv.joined(separator: "\n") + "\n").write(toFile: "\(folder)/\(name).csv", atomically: true, encoding: .utf8) }
    print(report)
}
