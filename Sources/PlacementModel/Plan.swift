/// A plan as SPEC §7 writes it (`dnnplace-plan/1`): a device, a precision and optionally a start
/// time per layer, by name.
public struct Plan: Sendable, Equatable {
    public var instance: String
    public var objective: Objective?
    public var assignments: [Assignment]
    /// Where the plan sits in its file: "" for a plan file, "plan" inside a `solve` result.
    /// Errors about its assignments start their JSON paths with it.
    public var jsonPath = ""

    public struct Assignment: Sendable, Equatable {
        public var layer: String
        public var device: String
        public var precision: String?
        public var start: Double?
        public init(layer: String, device: String, precision: String? = nil, start: Double? = nil) {
            self.layer = layer
            self.device = device
            self.precision = precision
            self.start = start
        }
    }

    public init(instance: String, objective: Objective? = nil, assignments: [Assignment]) {
        self.instance = instance
        self.objective = objective
        self.assignments = assignments
    }

    public static let format = "dnnplace-plan/1"

    /// Reads a plan, or the plan inside a `--json` result of `solve` (an object with a
    /// `status`, SPEC §7), so that what `solve --json` printed can be evaluated or rendered as
    /// it is; errors there name `plan.…` paths.
    public init(json: JSONValue) throws(InputError) {
        let log = DiagnosticLog()
        self.init(instance: "", assignments: [])
        let isResult = json["assignments"] == nil && json["format"] == nil && json["status"] != nil
        if isResult { jsonPath = "plan" }
        let reader = JSONReader(isResult ? json["plan"] ?? .null : json, path: jsonPath, log: log)
        if isResult, reader.value == .null {
            let status = json["status"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? "?"
            reader.error("this solve result has no plan (status \(status))")
        } else if let object = reader.object(fields: ["format", "instance", "objective", "assignments"]) {
            if let format = object.optional("format"), let text = format.string(), text != Plan.format {
                format.error("unsupported format '\(text)', expected '\(Plan.format)'")
            }
            instance = object.optional("instance")?.string() ?? ""
            if let objective = object.optional("objective"), let text = objective.string() {
                self.objective = Objective(rawValue: text)
                if self.objective == nil { objective.error("unknown objective '\(text)'") }
            }
            assignments = object.required("assignments")?.array()?.compactMap { reader in
                guard let entry = reader.object(fields: ["layer", "device", "precision", "start"]) else { return nil }
                let layer = entry.required("layer")?.name()
                let device = entry.required("device")?.name()
                guard let layer, let device else { return nil }
                return Assignment(
                    layer: layer, device: device, precision: entry.optional("precision")?.name(),
                    start: entry.optional("start")?.number())
            } ?? []
        }
        try log.throwIfAny()
    }

    public static func load(path: String) throws(InputError) -> Plan {
        do {
            return try Plan(json: readJSON(path: path))
        } catch {
            throw error.inFile(path)
        }
    }

    public var json: JSONValue {
        .record([
            "format": .string(Plan.format),
            "instance": .string(instance),
            "objective": objective.map { .string($0.rawValue) },
            "assignments": .array(assignments.map { a in
                .record([
                    "layer": .string(a.layer), "device": .string(a.device),
                    "precision": a.precision.map(JSONValue.string), "start": a.start.map(JSONValue.number),
                ])
            }),
        ])
    }
}

/// A plan in index form: `device[v]` and `precision[v]` per layer, and start times when the
/// plan fixes a schedule. Solvers produce these; the evaluator checks them.
public struct Assignment: Sendable, Equatable {
    public var device: [Int]
    public var precision: [Int]
    public var start: [Double]?

    public init(device: [Int], precision: [Int], start: [Double]? = nil) {
        self.device = device
        self.precision = precision
        self.start = start
    }
}

extension Problem {
    /// Resolves a plan's names against this problem. Errors name the assignment's JSON path;
    /// constraint violations (memory, pins, budget) are the evaluator's to report.
    public func assignment(from plan: Plan) throws(InputError) -> Assignment {
        let log = DiagnosticLog()
        func path(_ field: String) -> String { plan.jsonPath.isEmpty ? field : plan.jsonPath + "." + field }
        var device = [Int](repeating: -1, count: layerCount)
        var precision = [Int](repeating: -1, count: layerCount)
        var start = [Double](repeating: 0, count: layerCount)
        var seenAt = [Int](repeating: -1, count: layerCount)
        let timed = plan.assignments.filter { $0.start != nil }.count
        if timed != 0, timed != plan.assignments.count {
            log.error(path("assignments"), "either every assignment has a 'start' or none has (\(timed) of \(plan.assignments.count) do)")
        }
        for (i, entry) in plan.assignments.enumerated() {
            let entryPath = path("assignments[\(i)]")
            guard let v = layerIndex[entry.layer] else {
                log.error("\(entryPath).layer", "unknown layer '\(entry.layer)'")
                continue
            }
            if seenAt[v] >= 0 {
                log.error("\(entryPath).layer", "layer '\(entry.layer)' is assigned twice (also \(path("assignments[\(seenAt[v])]")))")
            }
            seenAt[v] = i
            if let d = deviceIndex[entry.device] {
                device[v] = d
            } else {
                log.error("\(entryPath).device", "unknown device '\(entry.device)'")
            }
            if let name = entry.precision {
                if let p = precisionIndex[name] {
                    precision[v] = p
                } else {
                    log.error("\(entryPath).precision", "unknown precision '\(name)'")
                }
            } else if precisionCount == 1 {
                precision[v] = 0
            } else {
                log.error("\(entryPath).precision", "missing: the instance has several precisions")
            }
            start[v] = entry.start ?? 0
        }
        let missing = (0..<layerCount).filter { seenAt[$0] < 0 }
        if !missing.isEmpty {
            let names = missing.prefix(5).map { "'\(layerName($0))'" }.joined(separator: ", ")
            log.error(path("assignments"), "\(missing.count) layer(s) have no assignment: \(names)\(missing.count > 5 ? ", …" : "")")
        }
        // The likely cause of a plan full of unknown names, said first: the command line shows
        // the first 20 diagnostics, and a plan for a 100-layer instance has over a hundred.
        if !log.isEmpty, !plan.instance.isEmpty, plan.instance != instance.name {
            let mismatch = Diagnostic(path: path("instance"), message: "the plan is for instance '\(plan.instance)', not '\(instance.name)'")
            throw InputError([mismatch] + log.diagnostics)
        }
        try log.throwIfAny()
        return Assignment(device: device, precision: precision, start: timed > 0 ? start : nil)
    }

    /// The plan that writes `assignment` with names.
    public func plan(_ assignment: Assignment, objective: Objective? = nil) -> Plan {
        Plan(
            instance: instance.name, objective: objective,
            assignments: (0..<layerCount).map { v in
                Plan.Assignment(
                    layer: layerName(v), device: deviceName(assignment.device[v]),
                    precision: precisionName(assignment.precision[v]), start: assignment.start?[v])
            })
    }
}
