import PlacementModel
import Testing

/// Builds a problem from instance JSON text, failing the test with the diagnostics if invalid.
func problem(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Problem {
    do {
        return try Problem(json: JSONParser.parse(json))
    } catch let error as InputError {
        Issue.record("unexpected input errors:\n\(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// The diagnostics an invalid instance text produces (empty when it is valid).
func diagnostics(_ json: String) -> [Diagnostic] {
    do {
        _ = try Problem(json: JSONParser.parse(json))
        return []
    } catch let error as InputError {
        return error.diagnostics
    } catch {
        return [Diagnostic(path: "", message: "parse error: \(error)")]
    }
}

/// An assignment by names: layer → (device, precision).
func assign(_ problem: Problem, _ choices: [String: (String, String)], start: [String: Double]? = nil) -> Assignment {
    var device = [Int](repeating: 0, count: problem.layerCount)
    var precision = [Int](repeating: 0, count: problem.layerCount)
    for (layer, (d, p)) in choices {
        device[problem.layerIndex[layer]!] = problem.deviceIndex[d]!
        precision[problem.layerIndex[layer]!] = problem.precisionIndex[p]!
    }
    let starts = start.map { names in (0..<problem.layerCount).map { names[problem.layerName($0)]! } }
    return Assignment(device: device, precision: precision, start: starts)
}

/// |a − b| within a relative 1e-9.
func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-12) }
