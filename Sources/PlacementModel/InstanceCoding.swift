import Foundation

/// Reading and writing `dnnplace-instance/1` (SPEC §7). Decoding checks each field's type and
/// range; cross-references (names, cycles, runnability) are checked by `Problem`.
extension Instance {
    /// Parses, decodes and validates an instance file, with every error attributed to `path`.
    public static func load(path: String) throws(InputError) -> Problem {
        do {
            return try Problem(json: readJSON(path: path))
        } catch {
            throw error.inFile(path)
        }
    }

    public init(json: JSONValue) throws(InputError) {
        let log = DiagnosticLog()
        self = Self.decode(JSONReader(json, log: log))
        try log.throwIfAny()
    }

    /// Decodes what it can, returning the instance with the diagnostics found.
    static func decodeCollecting(json: JSONValue) -> (Instance, [Diagnostic]) {
        let log = DiagnosticLog()
        let instance = Self.decode(JSONReader(json, log: log))
        return (instance, log.diagnostics)
    }

    private static func decode(_ root: JSONReader) -> Instance {
        let fields: Set = [
            "format", "name", "precisions", "devices", "links", "layers", "edges", "objective",
            "accuracyBudget", "commOverlap",
        ]
        var instance = Instance(name: "", devices: [], links: Links(intraServer: nil), layers: [], edges: [])
        guard let object = root.object(fields: fields) else { return instance }
        if let format = object.optional("format"), let text = format.string(), text != Instance.format {
            format.error("unsupported format '\(text)', expected '\(Instance.format)'")
        }
        instance.name = object.optional("name")?.string() ?? "instance"
        if let precisions = object.optional("precisions")?.array() {
            instance.precisions = precisions.compactMap(decodePrecision)
            if precisions.isEmpty { object.reader.error("'precisions' must not be empty") }
        }
        let referenceBits = Double(instance.precisions.first?.bits ?? 32)
        instance.devices = object.required("devices")?.array()?.compactMap(decodeDevice) ?? []
        if let links = object.optional("links") { instance.links = decodeLinks(links) }
        instance.layers = object.required("layers")?.array()?.compactMap { decodeLayer($0, referenceBits) } ?? []
        instance.edges = object.optional("edges")?.array()?.compactMap { decodeEdge($0, referenceBits) } ?? []
        if let objective = object.optional("objective"), let text = objective.string() {
            if let parsed = Objective(rawValue: text) {
                instance.objective = parsed
            } else {
                objective.error("unknown objective '\(text)', expected 'latency' or 'throughput'")
            }
        }
        instance.accuracyBudget = object.optional("accuracyBudget")?.number()
        instance.commOverlap = object.optional("commOverlap")?.bool() ?? true
        return instance
    }

    private static func decodePrecision(_ reader: JSONReader) -> Precision? {
        guard let object = reader.object(fields: ["name", "bits"]),
            let name = object.required("name")?.name(),
            let bits = object.required("bits")?.integer(minimum: 1)
        else { return nil }
        return Precision(name: name, bits: bits)
    }

    private static func decodeLink(_ reader: JSONReader, extraFields: Set<String> = []) -> (Link, ObjectReader)? {
        guard let object = reader.object(fields: Set(["bandwidth", "latency"]).union(extraFields)) else { return nil }
        let bandwidth = object.required("bandwidth")?.number(positive: true)
        let latency = object.optional("latency").map { $0.number() } ?? 0
        guard let bandwidth, let latency else { return nil }
        return (Link(bandwidth: bandwidth, latency: latency), object)
    }

    private static func decodeDevice(_ reader: JSONReader) -> Device? {
        let fields: Set = ["name", "kind", "server", "memory", "precisions", "hostMemory", "hostLink"]
        guard let object = reader.object(fields: fields) else { return nil }
        let name = object.required("name")?.name()
        let kind = object.required("kind")?.name()
        let memory = object.optional("memory").map { $0.number() } ?? .infinity
        guard let name, let kind, let memory else { return nil }
        return Device(
            name: name, kind: kind,
            server: object.optional("server")?.name() ?? Device.defaultServer,
            memory: memory,
            precisions: object.optional("precisions")?.array()?.compactMap { $0.name() },
            hostMemory: object.optional("hostMemory")?.bool() ?? false,
            hostLink: object.optional("hostLink").flatMap { decodeLink($0)?.0 })
    }

    private static func decodeLinks(_ reader: JSONReader) -> Links {
        var links = Links(intraServer: nil)
        guard let object = reader.object(fields: ["mode", "intraServer", "interServer", "pairs"]) else { return links }
        if let mode = object.optional("mode"), let text = mode.string() {
            if let parsed = TransferMode(rawValue: text) {
                links.mode = parsed
            } else {
                mode.error("unknown transfer mode '\(text)', expected 'direct' or 'hostStaged'")
            }
        }
        links.intraServer = object.optional("intraServer").flatMap { decodeLink($0)?.0 }
        links.interServer = object.optional("interServer").flatMap { decodeLink($0)?.0 }
        links.pairs = object.optional("pairs")?.array()?.compactMap { pair in
            guard let (link, object) = decodeLink(pair, extraFields: ["from", "to", "bidirectional"]),
                let from = object.required("from")?.name(), let to = object.required("to")?.name()
            else { return nil }
            return LinkPair(
                from: from, to: to, link: link, bidirectional: object.optional("bidirectional")?.bool() ?? false)
        } ?? []
        return links
    }

    /// Reads `elementsKey`, or `bytesKey` converted to elements at the reference precision.
    private static func elements(
        _ object: ObjectReader, elementsKey: String, bytesKey: String, referenceBits: Double
    ) -> Double? {
        if object.has(elementsKey), object.has(bytesKey) {
            object.reader.error("give either '\(elementsKey)' or '\(bytesKey)', not both")
            return nil
        }
        if let bytes = object.optional(bytesKey) { return bytes.number().map { $0 * 8 / referenceBits } }
        return object.optional(elementsKey)?.number()
    }

    private static func decodeLayer(_ reader: JSONReader, _ referenceBits: Double) -> Layer? {
        let fields: Set = [
            "name", "op", "params", "weightBytes", "outputElements", "outputBytes", "costs", "sensitivity", "pin",
            "group",
        ]
        guard let object = reader.object(fields: fields) else { return nil }
        let name = object.required("name")?.name()
        var costs: [String: [String: Double]] = [:]
        for (kind, perPrecision) in object.required("costs")?.members() ?? [] {
            var row: [String: Double] = [:]
            for (precision, seconds) in perPrecision.members() ?? [] {
                if let seconds = seconds.number() { row[precision] = seconds }
            }
            costs[kind] = row
        }
        var sensitivity: [String: Double] = [:]
        for (precision, value) in object.optional("sensitivity")?.members() ?? [] {
            if let value = value.number() { sensitivity[precision] = value }
        }
        let params = elements(object, elementsKey: "params", bytesKey: "weightBytes", referenceBits: referenceBits)
        let outputs = elements(
            object, elementsKey: "outputElements", bytesKey: "outputBytes", referenceBits: referenceBits)
        guard let name else { return nil }
        return Layer(
            name: name, op: object.optional("op")?.string(), params: params ?? 0, outputElements: outputs ?? 0,
            costs: costs, sensitivity: sensitivity, pin: object.optional("pin")?.name(),
            group: object.optional("group")?.name())
    }

    private static func decodeEdge(_ reader: JSONReader, _ referenceBits: Double) -> Edge? {
        guard let object = reader.object(fields: ["from", "to", "bytes"]) else { return nil }
        let from = object.required("from")?.name()
        let to = object.required("to")?.name()
        // nil when absent; .some(nil) when present but invalid (already logged).
        let bytes = object.optional("bytes").map { $0.number() }
        guard let from, let to, bytes != .some(nil) else { return nil }
        return Edge(from: from, to: to, elements: bytes?.map { $0 * 8 / referenceBits })
    }

    /// The instance as `dnnplace-instance/1` JSON (sizes as elements, edge bytes at the reference precision).
    public var json: JSONValue {
        let referenceBits = Double(precisions.first?.bits ?? 32)
        func link(_ link: Link, _ extra: [JSONMember] = []) -> JSONValue {
            .object(extra + [JSONMember("bandwidth", .number(link.bandwidth)), JSONMember("latency", .number(link.latency))])
        }
        func sorted(_ dictionary: [String: Double]) -> JSONValue {
            .object(dictionary.sorted { $0.key < $1.key }.map { JSONMember($0.key, .number($0.value)) })
        }
        return .record([
            "format": .string(Instance.format),
            "name": .string(name),
            "precisions": .array(precisions.map { .record(["name": .string($0.name), "bits": .number(Double($0.bits))]) }),
            "devices": .array(devices.map { device in
                .record([
                    "name": .string(device.name), "kind": .string(device.kind), "server": .string(device.server),
                    "memory": device.memory.isFinite ? .number(device.memory) : nil,
                    "precisions": device.precisions.map { .array($0.map(JSONValue.string)) },
                    "hostMemory": device.hostMemory ? .bool(true) : nil,
                    "hostLink": device.hostLink.map { link($0) },
                ])
            }),
            "links": .record([
                "mode": links.mode == .direct ? nil : .string(links.mode.rawValue),
                "intraServer": links.intraServer.map { link($0) },
                "interServer": links.interServer.map { link($0) },
                "pairs": links.pairs.isEmpty ? nil : .array(links.pairs.map { pair in
                    link(pair.link, [JSONMember("from", .string(pair.from)), JSONMember("to", .string(pair.to))]
                        + (pair.bidirectional ? [JSONMember("bidirectional", true)] : []))
                }),
            ]),
            "layers": .array(layers.map { layer in
                .record([
                    "name": .string(layer.name), "op": layer.op.map(JSONValue.string),
                    "params": .number(layer.params), "outputElements": .number(layer.outputElements),
                    "costs": .object(layer.costs.sorted { $0.key < $1.key }.map { JSONMember($0.key, sorted($0.value)) }),
                    "sensitivity": layer.sensitivity.isEmpty ? nil : sorted(layer.sensitivity),
                    "pin": layer.pin.map(JSONValue.string), "group": layer.group.map(JSONValue.string),
                ])
            }),
            "edges": .array(edges.map { edge in
                .record([
                    "from": .string(edge.from), "to": .string(edge.to),
                    "bytes": edge.elements.map { .number($0 * referenceBits / 8) },
                ])
            }),
            "objective": .string(objective.rawValue),
            "accuracyBudget": accuracyBudget.map(JSONValue.number),
            "commOverlap": .bool(commOverlap),
        ])
    }
}

/// Reads and parses a JSON file; a missing file or malformed JSON is an `InputError` naming it.
public func readJSON(path: String) throws(InputError) -> JSONValue {
    let data = try readFile(path: path)
    do {
        return try JSONParser.parse([UInt8](data))
    } catch {
        throw InputError(file: path, "malformed JSON at \(error)")
    }
}
