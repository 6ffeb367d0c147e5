import ArgumentParser
import Ingest
import PlacementModel

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an instance file and list every problem in it.",
        discussion: """
            Reports all errors at once, each with the file, the JSON path and what is wrong: \
            malformed JSON (line and column), wrong types, missing or unknown fields, negative or \
            non-finite numbers, duplicate names, unknown devices, kinds and precisions, cycles, \
            layers no device can run, pins and groups that cannot hold.

            Example:
              dnnplace validate instances/cnn-cpu-2gpu.json
            """)

    @Argument(help: "The instance file (dnnplace-instance/1 JSON, or a NeurIPS'20 placement input).")
    var instance: String

    func run() throws {
        try reportingInputErrors(limit: nil) {
            let problem = try NeurIPS20.problem(path: instance)
            let classes = problem.deviceClasses.filter { $0.count > 1 }.map { "{\($0.map(problem.deviceName).joined(separator: ", "))}" }
            print("\(instance): valid: \(counted(problem.layerCount, "layer")), \(counted(problem.graph.edgeCount, "edge")), \(counted(problem.deviceCount, "device")) of \(counted(problem.kindCount, "kind")), \(counted(problem.precisionCount, "precision"))")
            if !classes.isEmpty { print("interchangeable devices: \(classes.joined(separator: " "))") }
        }
    }
}
