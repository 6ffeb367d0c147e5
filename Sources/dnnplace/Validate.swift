import ArgumentParser
import Ingest
import Placement
import PlacementModel

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an instance file and list every problem in it.",
        discussion: """
            Reports all errors at once, each with the file, the JSON path and what is wrong: \
            malformed JSON (line and column), wrong types, missing or unknown fields, negative or \
            non-finite numbers, duplicate names, unknown devices, kinds and precisions, cycles, \
            missing links. Exit status 1 for an invalid file.

            A valid file may still have no plan; what shows it cheaply is reported too, with exit \
            status 2 (as `solve` would): layers no device can run, pins and groups that cannot \
            hold (each with its JSON path), weights beyond the memory, a budget below the least \
            accuracy cost.

            With --json the verdict is one object on standard output, for scripts: the counts \
            when the file is valid (and "infeasible": the reasons, when no plan exists), else \
            every error as {file, path, message}.

            Examples:
              dnnplace validate instances/cnn-cpu-2gpu.json
              dnnplace validate my-instance.json --json
            """)

    @Argument(help: "The instance file (dnnplace-instance/1 JSON, or a NeurIPS'20 placement input).")
    var instance: String

    @Flag(help: "Print the verdict as JSON (counts, or every error with its file, JSON path and message).")
    var json = false

    func run() throws {
        guard json else {
            try reportingInputErrors(limit: nil) {
                let problem = try NeurIPS20.problem(path: instance)
                let classes = interchangeable(problem).map { "{\($0.joined(separator: ", "))}" }
                print("\(instance): valid: \(counted(problem.layerCount, "layer")), \(counted(problem.graph.edgeCount, "edge")), \(counted(problem.deviceCount, "device")) of \(counted(problem.kindCount, "kind")), \(counted(problem.precisionCount, "precision"))")
                if !classes.isEmpty { print("interchangeable devices: \(classes.joined(separator: " "))") }
                let reasons = infeasibility(problem)
                if !reasons.isEmpty {
                    for reason in reasons { printError("infeasible: \(instance): \(reason)") }
                    throw ExitCode(2)
                }
            }
            return
        }
        let reasons: [String]
        do throws(InputError) {
            let problem = try NeurIPS20.problem(path: instance)
            reasons = infeasibility(problem)
            print(
                JSONValue.record([
                    "file": .string(instance), "valid": true, "layers": .number(Double(problem.layerCount)),
                    "edges": .number(Double(problem.graph.edgeCount)), "devices": .number(Double(problem.deviceCount)),
                    "kinds": .number(Double(problem.kindCount)), "precisions": .number(Double(problem.precisionCount)),
                    "interchangeableDevices": .array(interchangeable(problem).map { .array($0.map(JSONValue.string)) }),
                    "infeasible": reasons.isEmpty ? nil : .array(reasons.map(JSONValue.string)),
                ]).serialized(pretty: true))
        } catch {
            let errors = error.diagnostics.map { diagnostic in
                JSONValue.record([
                    "file": diagnostic.file.map(JSONValue.string), "path": .string(diagnostic.path), "message": .string(diagnostic.message),
                ])
            }
            print(JSONValue.record(["file": .string(instance), "valid": false, "errors": .array(errors)]).serialized(pretty: true))
            throw ExitCode(1)
        }
        if !reasons.isEmpty { throw ExitCode(2) }
    }

    /// Why no plan exists, as far as cheap checks show: every placement conflict (with its JSON
    /// path), else the first other reason `Feasibility` finds.
    private func infeasibility(_ problem: Problem) -> [String] {
        if !problem.placementConflicts.isEmpty { return problem.placementConflicts.map(\.description) }
        return Feasibility.infeasibilityReason(problem).map { [$0] } ?? []
    }

    /// The names of each class of two or more interchangeable devices.
    private func interchangeable(_ problem: Problem) -> [[String]] {
        problem.deviceClasses.filter { $0.count > 1 }.map { $0.map(problem.deviceName) }
    }
}
