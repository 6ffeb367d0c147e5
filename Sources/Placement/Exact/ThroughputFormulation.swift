import MILP
import PlacementModel

/// Minimum period (SPEC §3 throughput) as a MILP: minimise T with every device load and every
/// link load ≤ T.
/// - `recv[u][b]` ≥ bytes u sends into device b, in the tight difference form
///   `bytes(e,p)·(X[w,b] − X[u,b] − (1 − P[u,p]))` per consumer w: once per (layer, device);
/// - direct links: `flow[u][a][b]` splits `recv[u][b]` onto the link from u's device
///   (`Σ_a flow ≥ recv`, `flow ≤ bytesMax·X[u,a]`), so each directed link gets its load;
/// - host-staged: `send[u][a]` ≥ the bytes u copies to host memory from a, `net[u][s][t]` ≥
///   the bytes it sends from server s to server t; `recv` loads each device's host link;
/// - with commOverlap off the same transfer terms are charged to the devices.
/// Bytes are scaled by the largest tensor so the variables stay O(1).
struct ThroughputFormulation: Formulation {
    let problem: Problem
    let choice: ChoiceVariables
    private(set) var model: Model
    let timeScale: Double
    let byteScale: Double
    let period: Variable
    let recv: [Int: [Int: Variable]]
    let flow: [Int: [Int: [Int: Variable]]]
    let send: [Int: [Int: Variable]]
    let net: [Int: [Int: [Int: Variable]]]

    /// About quadratic in the rows. Measured (CBC, `dnnplace solve generated.json --method milp
    /// --objective throughput --time-limit 1 --verbose`, generated seed 1): the root LP took 0.7 s
    /// on 19,511 rows (1,000 layers, fp32), 1.9 s on 37,182 (1,000 layers, quantized), 4.2 s on
    /// 55,768 (1,500, quantized) and 9.0 s on 74,525 (2,000, quantized), where checking the warm
    /// start took 2 s more: a 10 s limit ended after 12.7 s.
    var rootSeconds: Double { Double(model.rowCount) * Double(model.rowCount) * 2e-9 }

    /// Loads per input already carried by devices and links (from layers placed earlier: the
    /// splitting heuristic's context), in seconds.
    struct BaseLoad {
        var device: [Double]
        var link: [LinkResource: Double]
    }

    /// `balance` > 0 adds balance · (mean device load) to the objective: a module of the splitting
    /// heuristic then keeps devices free for later modules even when its period is set by the
    /// base load. 0 (the exact method) keeps the objective exactly the period.
    init(_ problem: Problem, upperBound: Double, breakSymmetry: Bool, base: BaseLoad? = nil, balance: Double = 0) {
        self.problem = problem
        var model = Model(name: "\(problem.instance.name)-throughput")
        // No cost above the period's upper bound is in any solution.
        let baseLoad = max(base?.device.max() ?? 0, base?.link.values.max() ?? 0)
        let choice = ChoiceVariables(problem, model: &model, breakSymmetry: breakSymmetry, ceiling: ChoiceVariables.ceilingFactor * max(upperBound, baseLoad))
        let scale = 100 / max(upperBound, 1e-300)
        let graph = problem.graph
        let n = problem.layerCount
        let m = problem.deviceCount
        let links = problem.transfers
        let largest = (0..<n).flatMap { u in
            (graph.successorStart[u]..<graph.successorStart[u + 1]).flatMap { i in
                choice.precisions(u).map { problem.edgeBytes(successorEntry: i, from: u, precision: $0) }
            }
        }.max() ?? 0
        let byteScale = largest > 0 ? 1 / largest : 1
        let floor = baseLoad * scale
        let period = model.addVariable("T", lower: floor, upper: max(floor, upperBound * scale))

        // Loads as terms, filled as the transfer variables appear.
        var deviceLoad = (0..<m).map { d in (0..<n).flatMap { choice.cost($0, on: d, scale: scale) } }
        var linkLoad: [LinkResource: [LinearExpression.Term]] = [:]
        let chargeDevices = !problem.instance.commOverlap
        /// Charges a transfer variable that carries at least `lightest` (scaled) bytes whenever it
        /// carries any: at most `choice.ceiling` for that much, a load no solution has.
        func charge(_ variable: Variable, seconds perUnit: Double, lightest: Double, link: LinkResource, devices: [Int]) {
            let term = LinearExpression.Term(variable, min(perUnit, choice.ceiling * scale / lightest))
            linkLoad[link, default: []].append(term)
            if chargeDevices { for d in devices { deviceLoad[d].append(term) } }
        }
        /// Seconds (scaled) per scaled byte at a bandwidth.
        func perUnit(_ bandwidth: Double) -> Double { scale / (byteScale * bandwidth) }

        var recv: [Int: [Int: Variable]] = [:]
        var flow: [Int: [Int: [Int: Variable]]] = [:]
        var send: [Int: [Int: Variable]] = [:]
        var net: [Int: [Int: [Int: Variable]]] = [:]
        for u in 0..<n {
            let entries = Array(graph.successorStart[u]..<graph.successorStart[u + 1])
            guard !entries.isEmpty else { continue }
            let sources = choice.devices(u)
            let precisions = choice.precisions(u)
            let singlePrecision = precisions.count == 1
            func bytes(_ i: Int, _ p: Int) -> Double { problem.edgeBytes(successorEntry: i, from: u, precision: p) * byteScale }
            let sizes = entries.flatMap { i in precisions.map { bytes(i, $0) } }.filter { $0 > 0 }
            guard let heaviest = sizes.max(), let lightest = sizes.min() else { continue }
            // recv[u][b]: bytes u sends into b.
            let destinations = Set(entries.flatMap { choice.devices(graph.successors[$0]) })
            for b in destinations.sorted() where sources.contains(where: { $0 != b }) {
                let variable = model.addVariable("recv_\(problem.layerName(u))_\(problem.deviceName(b))", upper: heaviest)
                recv[u, default: [:]][b] = variable
                for i in entries where choice.devices(graph.successors[i]).contains(b) {
                    let w = graph.successors[i]
                    for p in precisions {
                        let size = bytes(i, p)
                        var terms = [LinearExpression.Term(variable, 1)] + choice.onDevice(w, b, scale: -size) + choice.onDevice(u, b, scale: size)
                        if !singlePrecision { terms += choice.atPrecision(u, p, scale: -size) }
                        model.addRow(terms, lower: singlePrecision ? 0 : -size, upper: .infinity)
                    }
                }
                switch links.mode {
                case .direct:
                    var split = [LinearExpression.Term(variable, -1)]
                    for a in sources where a != b {
                        let y = model.addVariable("flow_\(problem.layerName(u))_\(problem.deviceName(a))_\(problem.deviceName(b))", upper: heaviest)
                        flow[u, default: [:]][a, default: [:]][b] = y
                        split.append(.init(y, 1))
                        model.addRow([.init(y, 1)] + choice.onDevice(u, a, scale: -heaviest), lower: -.infinity, upper: 0)
                        charge(y, seconds: perUnit(1 / links.secondsPerByte[a * m + b]), lightest: lightest, link: .pair(a, b), devices: [a, b])
                    }
                    model.addRow(split, lower: 0, upper: .infinity)
                case .hostStaged:
                    if !links.hostMemory[b], let down = links.hostLink[b] {
                        charge(variable, seconds: perUnit(down.bandwidth), lightest: lightest, link: .fromHost(b), devices: [b])
                    }
                }
            }
            guard links.mode == .hostStaged else { continue }
            // send[u][a]: bytes u copies from a into host memory.
            for a in sources where !links.hostMemory[a] {
                guard let up = links.hostLink[a] else { continue }
                let variable = model.addVariable("send_\(problem.layerName(u))_\(problem.deviceName(a))", upper: heaviest)
                send[u, default: [:]][a] = variable
                for i in entries {
                    for p in precisions {
                        let size = bytes(i, p)
                        model.addRow([.init(variable, 1)] + choice.choice(u, a, p, scale: -size) + choice.onDevice(graph.successors[i], a, scale: size),
                                     lower: 0, upper: .infinity)
                    }
                }
                charge(variable, seconds: perUnit(up.bandwidth), lightest: lightest, link: .toHost(a), devices: [a])
            }
            // net[u][s][t]: bytes u sends from server s to server t.
            guard let network = links.network else { continue }
            let servers = problem.serverNames.indices
            for s in servers where sources.contains(where: { links.server[$0] == s }) {
                for t in servers where t != s && destinations.contains(where: { links.server[$0] == t }) {
                    let variable = model.addVariable("net_\(problem.layerName(u))_\(problem.serverNames[s])_\(problem.serverNames[t])", upper: heaviest)
                    net[u, default: [:]][s, default: [:]][t] = variable
                    for i in entries {
                        let w = graph.successors[i]
                        for p in precisions {
                            let size = bytes(i, p)
                            let fromS = sources.filter { links.server[$0] == s }.flatMap { choice.choice(u, $0, p, scale: -size) }
                            let toT = choice.devices(w).filter { links.server[$0] == t }.flatMap { choice.onDevice(w, $0, scale: -size) }
                            model.addRow([.init(variable, 1)] + fromS + toT, lower: -size, upper: .infinity)
                        }
                    }
                    charge(variable, seconds: perUnit(network.bandwidth), lightest: lightest, link: .network(s, t), devices: [])
                }
            }
        }
        for (d, terms) in deviceLoad.enumerated() where !terms.isEmpty {
            let carried = (base?.device[d] ?? 0) * scale
            model.addRow(terms + [.init(period, -1)], lower: -.infinity, upper: -carried, name: "load_\(problem.deviceName(d))")
        }
        for (link, terms) in linkLoad.sorted(by: { $0.key < $1.key }) {
            let carried = (base?.link[link] ?? 0) * scale
            model.addRow(terms + [.init(period, -1)], lower: -.infinity, upper: -carried, name: "link_\(problem.linkName(link))")
        }
        // Valid cut: the device running v is busy at least v's cost.
        for v in 0..<n { model.addRow([.init(period, 1)] + choice.cost(v, scale: -scale), lower: 0, upper: .infinity) }
        let meanLoad = deviceLoad.flatMap { $0 }.map { LinearExpression.Term($0.variable, $0.coefficient * balance / Double(m)) }
        model.minimize(LinearExpression([.init(period, 1)] + meanLoad))
        self.model = model
        self.choice = choice
        self.timeScale = scale
        self.byteScale = byteScale
        self.period = period
        self.recv = recv
        self.flow = flow
        self.send = send
        self.net = net
    }

    func startValues(_ assignment: Assignment, _ evaluation: Evaluation, value: Double) -> [Double]? {
        guard case (let plan, var values)? = choice.values(choosing: assignment, columnCount: model.columnCount) else { return nil }
        let transfers = TransferSet(problem, plan)
        let links = problem.transfers
        values[period.index] = value * timeScale
        for u in 0..<problem.layerCount {
            let a = plan.device[u]
            var largest = 0.0
            var toServer: [Int: Double] = [:]
            for k in transfers.range(of: u) {
                let b = transfers.destination[k]
                let bytes = transfers.bytes[k] * byteScale
                largest = max(largest, bytes)
                toServer[links.server[b]] = max(toServer[links.server[b]] ?? 0, bytes)
                if let variable = recv[u]?[b] { values[variable.index] = bytes }
                if let variable = flow[u]?[a]?[b] { values[variable.index] = bytes }
            }
            if let variable = send[u]?[a] { values[variable.index] = largest }
            for (t, bytes) in toServer where t != links.server[a] {
                if let variable = net[u]?[links.server[a]]?[t] { values[variable.index] = bytes }
            }
        }
        return values
    }

    func plan(from values: [Double]) -> Assignment { choice.assignment(from: values) }
}
