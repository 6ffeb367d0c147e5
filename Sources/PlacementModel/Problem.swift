/// The index-based form of a validated instance that evaluators and solvers work on: layers,
/// devices, kinds and precisions are integers, costs a flat table, the DAG in CSR form.
/// Building it checks every cross-reference and reports all problems at once, with JSON paths.
public struct Problem: Sendable {
    public let instance: Instance
    public let graph: LayerGraph
    public let transfers: TransferModel

    public var layerCount: Int { graph.count }
    public var deviceCount: Int { transfers.deviceCount }
    public var precisionCount: Int { bits.count }
    public var kindCount: Int { kindNames.count }

    /// Bits per element of each precision.
    public let bits: [Double]
    public let kindNames: [String]
    public let serverNames: [String]
    public let kindOf: [Int]
    /// Device capacity in bytes (infinity when unbounded).
    public let memory: [Double]
    /// Weight and output elements per layer.
    public let params: [Double]
    public let outputElements: [Double]
    /// Elements sent along each edge (file order) when it overrides the producer's output.
    public let edgeElements: [Double?]
    /// The allowed (device, precision) choices of each layer: supported, costed, pins and
    /// groups applied. Every plan picks one of these per layer.
    public let options: [[Option]]
    /// Layers that must share a device.
    public let groups: [[Int]]
    /// What leaves a layer no allowed choice: no device can run it, its pin cannot, or its group
    /// has no device every member may use. The file is well formed but no plan exists (SPEC §7:
    /// infeasible, exit 2, not bad input); such a layer has no options and `groups` leaves such a
    /// group out, so nothing may be solved before these are checked.
    public let placementConflicts: [Diagnostic]
    /// Sets of interchangeable devices (same kind, server, memory, precisions and links).
    public let deviceClasses: [[Int]]

    public let layerIndex: [String: Int]
    public let deviceIndex: [String: Int]
    public let precisionIndex: [String: Int]

    private let costTable: [Double]
    private let sensitivityTable: [Double]
    private let supportTable: [Bool]

    public struct Option: Sendable, Equatable {
        public let device: Int
        public let precision: Int
        public let cost: Double
        public init(device: Int, precision: Int, cost: Double) {
            self.device = device
            self.precision = precision
            self.cost = cost
        }
    }

    /// Seconds for layer `v` on device `d` at precision `p`; infinity where it cannot run.
    @inlinable
    public func cost(_ v: Int, _ d: Int, _ p: Int) -> Double {
        supports(d, p) ? kindCost(v, kindOf[d], p) : .infinity
    }

    public func kindCost(_ v: Int, _ k: Int, _ p: Int) -> Double {
        costTable[(v * kindCount + k) * precisionCount + p]
    }

    public func supports(_ d: Int, _ p: Int) -> Bool { supportTable[d * precisionCount + p] }

    public func sensitivity(_ v: Int, _ p: Int) -> Double { sensitivityTable[v * precisionCount + p] }

    /// The least accuracy cost layer v can have among its options: what any plan spends on it.
    public func leastSensitivity(_ v: Int) -> Double { options[v].map { sensitivity(v, $0.precision) }.min() ?? 0 }

    public func weightBytes(_ v: Int, _ p: Int) -> Double { params[v] * bits[p] / 8 }

    /// Whether layer v's option fits its device's whole memory: one that does not is in no plan.
    public func fits(_ v: Int, _ option: Option) -> Bool {
        weightBytes(v, option.precision) <= memory[option.device] * (1 + 1e-12)
    }

    public func outputBytes(_ v: Int, _ p: Int) -> Double { outputElements[v] * bits[p] / 8 }

    /// Bytes that layer u sends along its successor entry `i` (an index into
    /// `graph.successors`) at precision p: the edge's override, else u's output.
    public func edgeBytes(successorEntry i: Int, from u: Int, precision p: Int) -> Double {
        (edgeElements[graph.successorEdge[i]] ?? outputElements[u]) * bits[p] / 8
    }

    public func layerName(_ v: Int) -> String { instance.layers[v].name }
    public func deviceName(_ d: Int) -> String { instance.devices[d].name }
    public func precisionName(_ p: Int) -> String { instance.precisions[p].name }

    /// Decodes and validates an instance document, reporting field errors and cross-reference
    /// errors together. Cross-reference checks run when no array element was dropped (so paths
    /// still match the file), and skip elements that already had a field error.
    public init(json: JSONValue) throws(InputError) {
        let (instance, fieldErrors) = Instance.decodeCollecting(json: json)
        if fieldErrors.isEmpty {
            try self.init(instance)
            return
        }
        let complete = [("layers", instance.layers.count), ("devices", instance.devices.count), ("edges", instance.edges.count)]
            .allSatisfy { key, count in
                guard case .array(let elements) = json[key] ?? .array([]) else { return false }
                return elements.count == count
            }
        guard complete else { throw InputError(fieldErrors) }
        func element(_ path: String) -> Substring { path.prefix { $0 != "." } }
        let faulty = Set(fieldErrors.map { element($0.path) })
        var all = fieldErrors
        do {
            try self.init(instance)
        } catch {
            all += error.diagnostics.filter { !faulty.contains(element($0.path)) }
        }
        throw InputError(all)
    }

    /// The most devices an instance may have: transfer times are kept for every ordered pair
    /// (at 4,096 devices, 134 MB per table). A NeurIPS'20 input with `maxFPGAs` 100,000 asked
    /// for 80 GB and crashed.
    public static let deviceLimit = 4096

    public init(_ instance: Instance) throws(InputError) {
        guard instance.devices.count <= Self.deviceLimit else {
            throw InputError([Diagnostic(
                path: "devices", message: "\(instance.devices.count) devices: at most \(Self.deviceLimit) are supported (transfer times are kept for every pair)")])
        }
        let log = DiagnosticLog()
        self.instance = instance
        func indexNames(_ names: [String], _ collection: String) -> [String: Int] {
            var index: [String: Int] = [:]
            for (i, name) in names.enumerated() {
                if let first = index[name] {
                    log.error("\(collection)[\(i)].name", "duplicate name '\(name)' (also \(collection)[\(first)])")
                } else {
                    index[name] = i
                }
            }
            return index
        }
        precisionIndex = indexNames(instance.precisions.map(\.name), "precisions")
        deviceIndex = indexNames(instance.devices.map(\.name), "devices")
        layerIndex = indexNames(instance.layers.map(\.name), "layers")
        if instance.devices.isEmpty { log.error("devices", "an instance needs at least one device") }
        if instance.layers.isEmpty { log.error("layers", "an instance needs at least one layer") }

        let P = instance.precisions.count
        bits = instance.precisions.map { Double($0.bits) }
        var kinds: [String: Int] = [:]
        var servers: [String: Int] = [:]
        var kindNames: [String] = []
        var serverNames: [String] = []
        kindOf = instance.devices.map { device in
            if let k = kinds[device.kind] { return k }
            kinds[device.kind] = kindNames.count
            kindNames.append(device.kind)
            return kindNames.count - 1
        }
        let serverOf = instance.devices.map { device in
            if let s = servers[device.server] { return s }
            servers[device.server] = serverNames.count
            serverNames.append(device.server)
            return serverNames.count - 1
        }
        self.kindNames = kindNames
        self.serverNames = serverNames
        memory = instance.devices.map(\.memory)

        var supportTable = [Bool](repeating: true, count: instance.devices.count * P)
        for (d, device) in instance.devices.enumerated() {
            guard let names = device.precisions else { continue }
            for p in 0..<P { supportTable[d * P + p] = false }
            for (i, name) in names.enumerated() {
                if let p = precisionIndex[name] {
                    supportTable[d * P + p] = true
                } else {
                    log.error("devices[\(d)].precisions[\(i)]", "unknown precision '\(name)'")
                }
            }
        }
        self.supportTable = supportTable

        transfers = Self.transferModel(instance, serverOf: serverOf, deviceIndex: deviceIndex, log: log)

        let n = instance.layers.count
        let K = kindNames.count
        var costTable = [Double](repeating: .infinity, count: n * K * P)
        var sensitivityTable = [Double](repeating: 0, count: n * P)
        for (v, layer) in instance.layers.enumerated() {
            for (kind, row) in layer.costs {
                guard let k = kinds[kind] else {
                    log.error("layers[\(v)].costs.\(kind)", "unknown device kind '\(kind)' (kinds: \(kindNames.joined(separator: ", ")))")
                    continue
                }
                for (precision, seconds) in row {
                    if let p = precisionIndex[precision] {
                        costTable[(v * K + k) * P + p] = seconds
                    } else {
                        log.error("layers[\(v)].costs.\(kind).\(precision)", "unknown precision '\(precision)'")
                    }
                }
            }
            for (precision, value) in layer.sensitivity {
                if let p = precisionIndex[precision] {
                    sensitivityTable[v * P + p] = value
                } else {
                    log.error("layers[\(v)].sensitivity.\(precision)", "unknown precision '\(precision)'")
                }
            }
        }
        self.costTable = costTable
        self.sensitivityTable = sensitivityTable

        params = instance.layers.map(\.params)
        outputElements = instance.layers.map(\.outputElements)
        edgeElements = instance.edges.map(\.elements)
        graph = Self.layerGraph(instance, layerIndex: layerIndex, log: log)

        // Allowed choices per layer, before pins and groups.
        let kindOf = self.kindOf
        var options: [[Option]] = (0..<n).map { v in
            (0..<instance.devices.count).flatMap { d in
                (0..<P).compactMap { p in
                    let seconds = supportTable[d * P + p] ? costTable[(v * K + kindOf[d]) * P + p] : .infinity
                    return seconds.isFinite ? Option(device: d, precision: p, cost: seconds) : nil
                }
            }
        }
        var conflicts: [Diagnostic] = []
        for (v, layerOptions) in options.enumerated() where layerOptions.isEmpty && !instance.devices.isEmpty {
            conflicts.append(Diagnostic(
                path: "layers[\(v)].costs",
                message: "layer '\(instance.layers[v].name)' cannot run on any device: no cost for a kind and precision that a device supports"))
        }
        for (v, layer) in instance.layers.enumerated() {
            guard let pin = layer.pin, !options[v].isEmpty else { continue }
            guard let d = deviceIndex[pin] else {
                log.error("layers[\(v)].pin", "unknown device '\(pin)'")
                continue
            }
            options[v].removeAll { $0.device != d }
            if options[v].isEmpty {
                conflicts.append(Diagnostic(
                    path: "layers[\(v)].pin",
                    message: "layer '\(layer.name)' is pinned to '\(pin)', which cannot run it (no cost for kind '\(instance.devices[d].kind)' at a precision it supports)"))
            }
        }
        groups = Self.applyGroups(instance, options: &options, conflicts: &conflicts)
        self.options = options
        placementConflicts = conflicts
        deviceClasses = Self.deviceClasses(instance)
        try log.throwIfAny()
    }

    private static func transferModel(
        _ instance: Instance, serverOf: [Int], deviceIndex: [String: Int], log: DiagnosticLog
    ) -> TransferModel {
        let m = instance.devices.count
        let links = instance.links
        var overrides: [Int: Link] = [:]
        for (i, pair) in links.pairs.enumerated() {
            let from = deviceIndex[pair.from]
            let to = deviceIndex[pair.to]
            if from == nil { log.error("links.pairs[\(i)].from", "unknown device '\(pair.from)'") }
            if to == nil { log.error("links.pairs[\(i)].to", "unknown device '\(pair.to)'") }
            guard let from, let to else { continue }
            if from == to {
                log.error("links.pairs[\(i)]", "a link needs two different devices, found '\(pair.from)' twice")
                continue
            }
            overrides[from * m + to] = pair.link
            if pair.bidirectional { overrides[to * m + from] = pair.link }
        }
        var missing = Set<String>()
        func need(_ link: Link?, _ key: String, _ why: @autoclosure () -> String) -> Link? {
            if link == nil, missing.insert(key).inserted { log.error("links.\(key)", "missing: \(why())") }
            return link
        }
        let hostLink = instance.devices.enumerated().map { d, device -> Link? in
            guard links.mode == .hostStaged, !device.hostMemory else { return device.hostLink }
            return device.hostLink
                ?? need(links.intraServer, "intraServer", "device '\(device.name)' has no hostLink")
        }
        let multiServer = Set(serverOf).count > 1
        let network = links.mode == .hostStaged && multiServer
            ? need(links.interServer, "interServer", "devices are on several servers") : links.interServer
        return TransferModel(
            mode: links.mode, server: serverOf, hostMemory: instance.devices.map(\.hostMemory), hostLink: hostLink,
            network: network
        ) { a, b in
            if let link = overrides[a * m + b] { return link }
            let (da, db) = (instance.devices[a], instance.devices[b])
            return serverOf[a] == serverOf[b]
                ? need(links.intraServer, "intraServer", "needed between '\(da.name)' and '\(db.name)' (server '\(da.server)')")
                : need(links.interServer, "interServer", "needed between '\(da.name)' and '\(db.name)' (different servers)")
        }
    }

    private static func layerGraph(_ instance: Instance, layerIndex: [String: Int], log: DiagnosticLog) -> LayerGraph {
        var edges: [(from: Int, to: Int)] = []
        edges.reserveCapacity(instance.edges.count)
        var seen: [Int: Int] = [:]
        let n = instance.layers.count
        for (i, edge) in instance.edges.enumerated() {
            let from = layerIndex[edge.from]
            let to = layerIndex[edge.to]
            if from == nil { log.error("edges[\(i)].from", "unknown layer '\(edge.from)'") }
            if to == nil { log.error("edges[\(i)].to", "unknown layer '\(edge.to)'") }
            guard let from, let to else { continue }
            if from == to {
                log.error("edges[\(i)]", "edge from layer '\(edge.from)' to itself")
                continue
            }
            if let first = seen.updateValue(i, forKey: from * n + to) {
                log.error("edges[\(i)]", "duplicate edge '\(edge.from)' → '\(edge.to)' (also edges[\(first)])")
            }
            edges.append((from, to))
        }
        // Edges past a bad one no longer line up with the file, but then the log throws anyway;
        // the graph is still built to report cycles among the good edges.
        switch LayerGraph.build(count: n, edges: edges) {
        case .success(let graph):
            return graph
        case .failure(let cycle):
            let names = cycle.layers.map { "'\(instance.layers[$0].name)'" }
            log.error("edges", "the layers form a cycle: \((names + [names[0]]).joined(separator: " → "))")
            return try! LayerGraph.build(count: n, edges: []).get()
        }
    }

    /// Restricts each group's layers to the devices every member can run on (and to a common
    /// pin); records groups that cannot hold, whose layers are left with no options.
    private static func applyGroups(_ instance: Instance, options: inout [[Option]], conflicts: inout [Diagnostic]) -> [[Int]] {
        var members: [String: [Int]] = [:]
        var order: [String] = []
        for (v, layer) in instance.layers.enumerated() {
            guard let group = layer.group else { continue }
            if members[group] == nil { order.append(group) }
            members[group, default: []].append(v)
        }
        return order.compactMap { group -> [Int]? in
            let layers = members[group]!
            guard layers.count > 1, layers.allSatisfy({ !options[$0].isEmpty }) else { return nil }
            var common = Set(options[layers[0]].map(\.device))
            for v in layers.dropFirst() { common.formIntersection(options[v].map(\.device)) }
            if common.isEmpty {
                let names = layers.map { "'\(instance.layers[$0].name)'" }.joined(separator: ", ")
                conflicts.append(Diagnostic(
                    path: "layers[\(layers[0])].group",
                    message: "group '\(group)' cannot hold: no device can run all of its layers (\(names)), or their pins differ"))
                for v in layers { options[v] = [] }
                return nil
            }
            for v in layers { options[v].removeAll { !common.contains($0.device) } }
            return layers
        }
    }

    /// Groups devices that no plan can tell apart: same kind, server, memory, precisions, host
    /// memory and host link, named by no per-pair link override and no pin (such a device is alone).
    private static func deviceClasses(_ instance: Instance) -> [[Int]] {
        struct Signature: Hashable {
            let kind: String, server: String, memory: Double, precisions: Set<String>?, hostMemory: Bool, hostLink: Link?
        }
        let overridden = Set(instance.links.pairs.flatMap { [$0.from, $0.to] } + instance.layers.compactMap(\.pin))
        var classes: [[Int]] = []
        var classOf: [Signature: Int] = [:]
        for (d, device) in instance.devices.enumerated() {
            if overridden.contains(device.name) {
                classes.append([d])
                continue
            }
            let signature = Signature(
                kind: device.kind, server: device.server, memory: device.memory,
                precisions: device.precisions.map(Set.init), hostMemory: device.hostMemory, hostLink: device.hostLink)
            if let c = classOf[signature] {
                classes[c].append(d)
            } else {
                classOf[signature] = classes.count
                classes.append([d])
            }
        }
        return classes
    }
}
