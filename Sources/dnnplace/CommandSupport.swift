import ArgumentParser
import Foundation
import Ingest
import MILP
import PlacementModel
import Reports

/// Runs a command body and turns bad input (or an unwritable model file) into the SPEC §7 exit
/// status 1, with the diagnostics on standard error, instead of a crash or a stack trace. Past
/// `limit` diagnostics (a file in another format has one per field) the rest are counted, not
/// listed; `validate` lists them all.
func reportingInputErrors(limit: Int? = 20, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as InputError {
        let shown = error.diagnostics.prefix(limit ?? error.diagnostics.count)
        var lines = shown.map { "error: \($0)" }
        if shown.count < error.diagnostics.count {
            lines.append("error: … and \(error.diagnostics.count - shown.count) more")
        }
        printError(lines.joined(separator: "\n"))
        throw ExitCode(1)
    } catch let error as ModelFileError {
        printError("error: \(error)")
        throw ExitCode(1)
    }
}

/// Checks a `--time-limit`: seconds in (0, 1e9]. NaN and infinity crashed the searches, whose
/// deadlines are clock instants, and so would any limit past the clock's range (about 1e20 s).
func checkTimeLimit(_ seconds: Double?) throws {
    guard let seconds else { return }
    guard seconds > 0, seconds <= 1e9 else { throw ValidationError("--time-limit must be a number of seconds in (0, 1e9], not \(seconds)") }
}

/// What is left of a command's time limit at the end of its input's reading: a limit counts
/// from the command's start (reading 60,000 layers takes over a second, and `--time-limit 10`
/// took 11.4 s). Never below a millisecond, at which every method still gives its quick plan.
func remainingTime(of limit: Double, since start: ContinuousClock.Instant) -> Double {
    max(limit - (ContinuousClock.now - start).seconds, 1e-3)
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Progress lines on standard error, each with the seconds since the command started.
func progressPrinter(since start: ContinuousClock.Instant) -> @Sendable (String) -> Void {
    return { line in printError("[\(String(format: "%6.1f", (ContinuousClock.now - start).seconds)) s] \(line)") }
}

/// Fails before any work when an output file cannot be written (no such folder, a read-only
/// one, or a folder in the file's place): otherwise a solve of many minutes ended with "cannot
/// write the file" and its plan was lost.
func checkWritable(_ paths: String?...) throws(InputError) {
    let files = FileManager.default
    for case let path? in paths {
        var isFolder: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw InputError(file: path, "cannot write the file: it is a folder")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard files.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw InputError(file: path, "cannot write the file: there is no folder '\(folder)'")
        }
        guard files.isWritableFile(atPath: folder) else {
            throw InputError(file: path, "cannot write the file: the folder '\(folder)' is not writable")
        }
    }
}

/// Writes text to a file, or throws an InputError naming it.
func write(_ text: String, to path: String) throws {
    try checkWritable(path)
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw InputError(file: path, "cannot write the file: \(error.localizedDescription)")
    }
}

/// Prints a report as SPEC §7 JSON or as text, and exits with the status's code.
func emit(_ report: PlanReport, json: Bool) throws {
    print(json ? report.json.serialized(pretty: true) : report.text())
    let code = report.status.exitCode
    if code != 0 { throw ExitCode(code) }
}

/// Loads an instance and a plan for it and evaluates the plan; a plan that names unknown
/// things or breaks a constraint is bad input, reported with the plan's file.
func loadEvaluatedPlan(instance: String, plan path: String) throws(InputError) -> (Problem, Plan, Assignment, Evaluation) {
    let problem = try NeurIPS20.problem(path: instance)
    let plan = try Plan.load(path: path)
    let assignment: Assignment
    do throws(InputError) {
        assignment = try problem.assignment(from: plan)
    } catch {
        throw error.inFile(path)
    }
    let evaluation = problem.evaluate(assignment)
    if !evaluation.isValid {
        throw InputError(evaluation.violations.map { Diagnostic(file: path, path: "", message: $0) })
    }
    return (problem, plan, assignment, evaluation)
}

/// Lets `solve` and `bound` read an ONNX model in place of an instance: the model is costed on
/// `--devices` exactly as `dnnplace import onnx` would.
struct ModelInput: ParsableArguments {
    @Option(help: "For an .onnx input: the machine (dnnplace-machine/1) to cost it on.")
    var devices: String?

    @Option(help: "For an .onnx input: comma-separated precisions, the first the reference.")
    var precisions = "fp32"

    @OptionGroup var batch: ONNXBatch

    /// The problem in `path`: an instance, or an ONNX model costed on the machine.
    func problem(_ path: String, objective: Objective?) throws -> Problem {
        guard path.lowercased().hasSuffix(".onnx") else { return try NeurIPS20.problem(path: path) }
        guard let devices else {
            throw InputError(file: path, "an ONNX model needs --devices MACHINE.json to be costed on (e.g. instances/devices/cpu-2gpu.json)")
        }
        let network = try loadONNX(path, batch: batch.size)
        let instance = try CostModel.instance(
            name: network.name, works: network.works, edges: network.edges,
            machine: try Machine.load(path: devices), precisions: precisions.split(separator: ",").map(String.init),
            objective: objective ?? .latency)
        return try Problem(instance)
    }
}

/// `--batch` for an ONNX model.
struct ONNXBatch: ParsableArguments {
    @Option(name: .customLong("batch"), parsing: .unconditional, help: "For an ONNX model: the batch size, which replaces its inputs' first dimension.")
    var size: Int?

    func validate() throws {
        // 0 and negative sizes were taken without a word.
        if let size, size < 1 { throw ValidationError("--batch must be at least 1, not \(size)") }
    }
}

/// Reads an ONNX model for costing, with its warnings (unmodelled operators, unknown shapes) on
/// standard error.
func loadONNX(_ path: String, batch: Int?) throws(InputError) -> ONNXNetwork {
    let network = try ONNXNetwork.load(path: path, batch: batch)
    for warning in network.warnings { printError("warning: \(warning)") }
    return network
}
