import Foundation
import MILP
import PlacementModel

/// The splitting heuristic (SPEC §5, after DiviML): modules by modularity (`ModularSegmentation`),
/// solved in topological order, each by the objective's exact MILP of bounded size with the
/// layers already placed fixed — latency: their finish times and the devices' earlier work enter
/// as release times; throughput: their loads enter as constants and their outputs as pinned
/// zero-cost stubs — then, for throughput, windows across module borders re-solved by the MILP
/// with everything else fixed, and local search (with kicks, `LocalSearch`) until the time
/// limit, as for latency above `LatencyFormulation.cutLimit` layers. (Measured, generated seed
/// 1, CBC: the windows take 150 layers from 1.56% to 0.88% above the bound in 1.7 s, 200 layers
/// from 1.03% to 0.58% in 1.3 s, 1,000 layers from 1.2% to 0.78% in 5 s.) For latency up to
/// `LatencyFormulation.cutLimit` layers, local search with kicks and then `NeighborhoodSearch`
/// (windows of consecutive layers in start order, across module borders) from half of the time
/// on. (Kicks there, 10 s, generated, seeds 1 and 2: 60 layers 11.067 → 10.916 ms, 100 layers
/// 19.445 → 19.099 ms, 150 layers 32.511 → 32.498 ms, 250 layers 54.584 → 54.088 ms.)
/// (Measured, 10 s, CBC, generated: 40 layers seeds 1-3 6.560 → 6.429, 9.582 → 9.382, 8.303 →
/// 8.234 ms; 100 layers 19.675 → 19.445 ms; 200 layers 37.01 → 36.88 ms.)
/// An instance that fits in one module is solved by the exact MILP itself, and one whose modules
/// find no plan gets the exact method for the time left (up to its model size).
enum SplitPlacement {
    static let moduleSize: [Objective: Int] = [.latency: 20, .throughput: 40]
    /// Module MILPs stop within this relative gap: the heuristic's loss is decided at the module
    /// borders, not in the last 0.5% of a module. Measured (throughput, generated, CBC): 200
    /// layers 2.14 s → 1.15 s at the same plan; 150 layers 1.93 s → 1.14 s, 1.72% → 1.49% above
    /// the optimum.
    static let moduleGap = 0.005
    /// Border windows are re-solved until this share of the time limit; local search gets the rest.
    static let bordersShare = 0.9
    /// Latency, up to `LatencyFormulation.cutLimit` layers: share of the time for the assignment
    /// relaxation's bound. Measured (generated seed 1, 10 s limit, so 2 s): 40 layers 5.59 →
    /// 6.00 ms, 100 layers 17.02 → 17.45 ms, 200 layers 33.49 → 33.90 ms; 12 s gave the same
    /// bound at 100 and 200 layers.
    static let relaxationShare = 0.2
    /// Latency, up to `LatencyFormulation.cutLimit` layers: when the module MILPs and local
    /// search end and the neighbourhood search (re-solving windows across module borders) starts.
    static let neighborhoodStart = 0.5
    /// From `ExactRun.longKicksLayers` layers, as in the MILP method, the kicks run until this
    /// share instead: the windows improve less there. Measured (60 s, CBC, generated seeds 1 to 3,
    /// 0.8 against 0.5): 150 layers 27.106 → 26.827, 31.462 → 31.347, 28.896 → 28.674 ms; 250
    /// layers 46.204 → 45.996, 53.109 → 52.723, 47.476 → 47.398 ms.
    static let lateNeighborhoodStart = 0.8

    static func solve(_ problem: Problem, _ request: SolveRequest) throws -> PlacementResult {
        let clock = ContinuousClock.now
        let objective = request.objective
        let size = moduleSize[objective]!
        if problem.layerCount <= size {
            var result = try ExactPlacement.solve(problem, request)
            result.method = "split"
            return result
        }
        var result = PlacementResult(method: "split", solver: request.solver.rawValue, status: .unknown)
        // The bounds first, so that their time counts against the limit.
        let bounds = LowerBounds.withSolution(problem, objective, solver: request.solver)
        var lowerBound = LowerBounds.best(bounds.bounds)
        let deadline = clock + .seconds(request.timeLimit)
        let modules = ModularSegmentation.modules(problem, maxSize: size)
        // A reference plan whose slices seed each module with choices made in context.
        let reference = Placer.portfolio(problem, objective, fractional: bounds.fractional).map {
            LocalSearch.improve(problem, from: $0, objective: objective, deadline: clock + .seconds(request.timeLimit * 0.2))
        }
        /// The reference plan, if it is already within the requested gap of the bound.
        func referenceAtBound() -> (Assignment, Evaluation)? {
            guard let reference, case let evaluation = problem.evaluate(reference), evaluation.isValid,
                evaluation.value(objective) <= request.target(above: lowerBound)
            else { return nil }
            return (reference, evaluation)
        }
        if objective == .latency, problem.layerCount <= LatencyFormulation.cutLimit, let reference, referenceAtBound() == nil {
            let evaluation = problem.evaluate(reference)
            request.progress?(
                "reference plan \(describe(evaluation.latency, objective)); assignment relaxation for up to "
                    + "\(formatSignificant(request.timeLimit * Self.relaxationShare, digits: 3)) s")
            if evaluation.isValid, let relaxed = try? AssignmentRelaxation.solve(
                problem, request, upperBound: evaluation.latency, warmStart: (reference, evaluation),
                timeLimit: request.timeLimit * Self.relaxationShare)
            {
                lowerBound = max(lowerBound, relaxed.bound)
            }
        }
        if let (plan, evaluation) = referenceAtBound() {
            request.progress?("reference plan \(describe(evaluation.value(objective), objective)) meets the lower bound")
            result.status = .optimal
            result.assignment = plan
            result.evaluation = evaluation
            result.lowerBound = min(lowerBound, evaluation.value(objective))
            result.message = "the heuristic plan meets the lower bound, so no module was solved"
            return result
        }
        var state = PlacedState(problem)
        // Latency modules are judged in the full plan (a module's own makespan is myopic);
        // throughput modules by their own period over the loads already placed, which measured
        // better (1,000 layers: 181.8 ms against 187.3 ms judged in the full plan).
        if let reference, objective == .latency { state.setReference(reference) }
        var remaining = problem.layerCount
        request.progress?(
            "\(modules.count) modules of at most \(size) layers; lower bound \(describe(lowerBound, objective))"
                + (reference.map { "; reference plan \(describe(problem.evaluate($0).value(objective), objective))" } ?? ""))
        var reported = ContinuousClock.now
        // Modules get 80% of their share of the time; past that they keep their reference slice (if it
        // still fits) without a MILP.
        let searchesLatency = objective == .latency && problem.layerCount <= LatencyFormulation.cutLimit
        let neighborhoodStart = problem.layerCount >= ExactRun.longKicksLayers ? Self.lateNeighborhoodStart : Self.neighborhoodStart
        let modulesDeadline = clock + .seconds(request.timeLimit * (searchesLatency ? neighborhoodStart : 1) * 0.8)
        var unsolved = 0
        for module in modules {
            let left = (modulesDeadline - ContinuousClock.now).seconds
            var moduleRequest = request
            moduleRequest.timeLimit = max(0.01, left * Double(module.count) / Double(remaining))
            moduleRequest.gap = max(request.gap, Self.moduleGap)
            let quick = left <= 0 && reference != nil
            if quick { unsolved += 1 }
            guard state.solve(module, moduleRequest, reference: reference, quick: quick) else {
                let failure = "no plan for the module starting at layer '\(problem.layerName(module[0]))' within memory and the accuracy budget"
                // The exact method, for the time left, may still find a plan or prove that none
                // exists (fuzz seed 1670: infeasible, proved from its assignment relaxation in 0.01 s).
                let timeLeft = request.timeLimit - elapsed(since: clock)
                guard timeLeft > 0, problem.layerCount <= ExactPlacement.modelLayerLimit[objective]! else {
                    result.message = failure
                    return result
                }
                var exactRequest = request
                exactRequest.timeLimit = timeLeft
                var exact = try ExactPlacement.solve(problem, exactRequest)
                exact.method = "split"
                exact.message = "\(failure); then the MILP method: \(exact.message ?? exact.status.rawValue)"
                return exact
            }
            remaining -= module.count
            if ContinuousClock.now - reported > .seconds(1) {
                reported = ContinuousClock.now
                request.progress?("modules: \(problem.layerCount - remaining) of \(problem.layerCount) layers placed")
            }
        }
        // Border windows only when every module was solved: otherwise local search makes better
        // use of the time (10,000 layers, 10 s: 3.4% from the bound with windows, 2.9% without).
        var windows = 0
        if objective == .throughput, unsolved == 0 {
            request.progress?("border windows")
            windows = state.resolveBorders(modules, request, until: clock + .seconds(request.timeLimit * Self.bordersShare))
        }
        // The module schedule is kept when it beats list scheduling of the same assignment.
        var plan = state.current ?? state.assignment
        if objective == .throughput || state.current != nil || !problem.evaluate(plan).isValid
            || state.listScheduleIsBetter(plan)
        {
            plan.start = nil
        }
        // A plan judged in full was judged with insertion scheduling, where local search starts
        // too: without it the line below showed list scheduling's 70.61 ms for a plan of 56.27.
        if state.current != nil, case let inserted = LocalSearch.scheduled(problem, plan, objective),
            problem.evaluate(inserted).latency < problem.evaluate(plan).latency
        {
            plan = inserted
        }
        request.progress?("local search from \(describe(problem.evaluate(plan).value(objective), objective))")
        let localDeadline = searchesLatency ? clock + .seconds(request.timeLimit * neighborhoodStart) : deadline
        plan = LocalSearch.improve(problem, from: plan, objective: objective, deadline: localDeadline, kicks: .max)
        // The reference may carry a schedule that list scheduling of the modules' plan loses.
        if let reference, let better = LocalSearch.score(problem.evaluate(reference), objective),
            let mine = LocalSearch.score(problem.evaluate(plan), objective), better < mine
        {
            plan = reference
        }
        if searchesLatency, case let evaluation = problem.evaluate(plan), evaluation.isValid {
            plan = try NeighborhoodSearch.improve(
                problem, request, from: (plan, evaluation), timeLimit: request.timeLimit - elapsed(since: clock),
                target: request.target(above: lowerBound)).0
        }
        let evaluation = problem.evaluate(plan)
        guard evaluation.isValid else {
            result.status = .error
            result.message = "internal error: the split plan failed evaluation: \(evaluation.violations[0])"
            return result
        }
        result.status = .feasible
        result.assignment = plan
        result.evaluation = evaluation
        // A bound above the evaluated value can only be the solver's tolerance.
        result.lowerBound = min(lowerBound, evaluation.value(objective))
        result.message = "\(modules.count) modules of at most \(size) layers"
            + (windows > 0 ? "; \(windows) border windows improved" : "")
            + (unsolved > 0 ? "; \(unsolved) placed without their MILP when time ran out" : "")
        return result
    }

    /// Whether each class of interchangeable devices is still interchangeable for a module: its
    /// devices must have the same release times (latency) or the same base load and no base
    /// link load (throughput). Symmetry rows would otherwise cut off the module's best plans.
    static func classesStayInterchangeable(
        _ classes: [[Int]], release: [[Double]]?, base: ThroughputFormulation.BaseLoad?
    ) -> Bool {
        let loadedLinkEnds = Set((base?.link ?? [:]).filter { $0.value > 0 }.keys.flatMap { link -> [Int] in
            switch link {
            case .pair(let a, let b): [a, b]
            case .toHost(let d), .fromHost(let d): [d]
            case .network: []
            }
        })
        return classes.allSatisfy { devices in
            let first = devices[0]
            return devices.dropFirst().allSatisfy { d in
                let sameRelease = release?.allSatisfy { $0[d] == $0[first] } ?? true
                let sameLoad = base.map { $0.device[d] == $0.device[first] } ?? true
                return sameRelease && sameLoad && !loadedLinkEnds.contains(d) && !loadedLinkEnds.contains(first)
            }
        }
    }
}

/// The partial plan of the splitting heuristic: what is placed so far, and what it leaves for
/// the next module (device ready times, memory, budget, loads).
private struct PlacedState {
    let problem: Problem
    var device: [Int]
    var precision: [Int]
    var start: [Double]
    var finish: [Double]
    var ready: [Double]
    var memoryUsed: [Double]
    var budgetUsed = 0.0
    var loads: LoadTracker
    /// The share of the accuracy budget each layer is allotted (`PrecisionAllocation`), or its
    /// least sensitivity: what later modules keep in reserve, so the first cannot spend it all.
    let share: [Double]
    var reserve: Double
    /// Per layer, its least weight and the one device it can run on (nil when it has a choice):
    /// what a module leaves free for the layers after it.
    let leastWeight: [Double]
    let onlyDevice: [Int?]
    /// Per layer, its least accuracy cost and its group: what later layers need of the budget,
    /// and which of them a placed group pins.
    let leastAccuracyCost: [Double]
    let groupOf: [String?]

    init(_ problem: Problem) {
        self.problem = problem
        let n = problem.layerCount
        device = [Int](repeating: -1, count: n)
        precision = [Int](repeating: -1, count: n)
        start = [Double](repeating: 0, count: n)
        finish = [Double](repeating: 0, count: n)
        ready = [Double](repeating: 0, count: problem.deviceCount)
        memoryUsed = [Double](repeating: 0, count: problem.deviceCount)
        loads = LoadTracker(problem)
        let caps = PrecisionAllocation.caps(problem)
        leastAccuracyCost = (0..<n).map(problem.leastSensitivity)
        groupOf = problem.instance.layers.map(\.group)
        let share = (0..<n).map { [leastAccuracyCost] v in max(leastAccuracyCost[v], caps.map { $0[v] }.flatMap { $0.isFinite ? $0 : nil } ?? 0) }
        self.share = share
        reserve = share.reduce(0, +)
        let room = MemoryRoom(problem)
        leastWeight = room.leastWeight
        onlyDevice = room.onlyDevice
    }

    var assignment: Assignment { Assignment(device: device, precision: precision, start: start) }

    /// The full plan being improved: placed layers as placed, the rest as the reference plan
    /// has them; candidates for a module are judged by this plan's evaluated value.
    var current: Assignment?
    var currentEvaluation: Evaluation?

    mutating func setReference(_ plan: Assignment) {
        current = Assignment(device: plan.device, precision: plan.precision)
        currentEvaluation = problem.evaluate(LocalSearch.scheduled(problem, current!, .latency))
        if currentEvaluation?.isValid != true { current = nil }
    }

    func listScheduleIsBetter(_ plan: Assignment) -> Bool {
        var listed = plan
        listed.start = nil
        return problem.evaluate(listed).latency < problem.evaluate(plan).latency
    }

    /// Places one module; false if neither the MILP nor the greedy finds a valid placement.
    /// `quick` (time is up): the reference slice if it still fits, else the better of it and
    /// the greedy on the module, without the MILP.
    mutating func solve(_ module: [Int], _ request: SolveRequest, reference: Assignment?, quick: Bool = false) -> Bool {
        let objective = request.objective
        let moduleReserve = module.reduce(0) { $0 + share[$1] }
        if quick, let reference, fits(module, reference) {
            commit(module, device: module.map { reference.device[$0] }, precision: module.map { reference.precision[$0] })
            reserve -= moduleReserve
            return true
        }
        guard let context = try? ModuleContext(
            problem, module: module, state: self, reserve: reserve - moduleReserve, withStubs: objective == .throughput)
        else {
            return false
        }
        let sub = context.sub
        let release = objective == .latency ? context.release(self) : nil
        let base = objective == .throughput ? ThroughputFormulation.BaseLoad(device: loads.deviceLoad, link: loads.linkLoad) : nil

        // Candidates: the module's slice of the reference plan, the greedy on the module, and the
        // MILP warm-started from the better of them.
        var candidates: [Assignment] = []
        if let reference {
            candidates.append(Assignment(
                device: module.map { reference.device[$0] } + context.stubs.map { device[$0] },
                precision: module.map { reference.precision[$0] } + context.stubs.map { precision[$0] }))
        }
        if let greedy = Greedy.place(sub, objective: objective) { candidates.append(greedy) }
        func value(_ plan: Assignment) -> (Assignment, Evaluation, Double)? {
            switch objective {
            case .latency:
                let earliest = (0..<sub.layerCount).map { release![$0][plan.device[$0]] }
                var timed = plan
                timed.start = sub.appendSchedule(plan, priority: (plan.start ?? sub.listSchedule(plan)).map { -$0 }, earliest: earliest)
                let evaluation = sub.evaluate(timed)
                return evaluation.isValid ? (timed, evaluation, evaluation.latency) : nil
            case .throughput:
                let evaluation = sub.evaluate(plan)
                guard evaluation.isValid else { return nil }
                let devicePeak = (0..<sub.deviceCount).map { evaluation.deviceLoad[$0] + base!.device[$0] }.max() ?? 0
                let linkPeak = Set(evaluation.linkLoad.keys).union(base!.link.keys)
                    .map { (evaluation.linkLoad[$0] ?? 0) + (base!.link[$0] ?? 0) }.max() ?? 0
                return (plan, evaluation, max(devicePeak, linkPeak))
            }
        }
        // With a full plan, a candidate's score is the full plan's value with the module replaced.
        func score(_ candidate: (Assignment, Evaluation, Double)) -> LocalSearch.Score? {
            guard var full = current else { return LocalSearch.Score(value: candidate.2, secondary: 0) }
            for (i, v) in module.enumerated() {
                full.device[v] = candidate.0.device[i]
                full.precision[v] = candidate.0.precision[i]
            }
            return LocalSearch.score(problem.evaluate(LocalSearch.scheduled(problem, full, objective)), objective)
        }
        var scored = candidates.compactMap(value)
        var best = scored.min { $0.2 < $1.2 }
        if !quick, let heuristic = best, heuristic.2 > 0 {
            let breakSymmetry = request.breakSymmetry
                && SplitPlacement.classesStayInterchangeable(sub.deviceClasses, release: release, base: base)
            let formulation: any Formulation =
                objective == .latency
                ? LatencyFormulation(sub, upperBound: heuristic.2, breakSymmetry: breakSymmetry, release: release)
                : ThroughputFormulation(sub, upperBound: heuristic.2, breakSymmetry: breakSymmetry, base: base, balance: 0.01)
            let options = SolveOptions(
                timeLimit: request.timeLimit, relativeGap: max(request.gap, 1e-4), threads: request.threads,
                warmStart: formulation.startValues(heuristic.0, heuristic.1, value: heuristic.2))
            if let solved = try? request.solver.solver.solve(formulation.model, options: options), let values = solved.values,
                let exact = value(formulation.plan(from: values))
            {
                scored.append(exact)
            }
        }
        let scores = scored.map(score)
        let chosen = scores.indices.filter { scores[$0] != nil }.min { scores[$0]! < scores[$1]! }
        // Judged in the full plan, keeping the module as it is there is always a candidate, so
        // the full plan's value never gets worse.
        if let current, let kept = currentEvaluation.flatMap({ LocalSearch.score($0, objective) }),
            chosen.map({ !(scores[$0]! < kept) }) ?? true
        {
            commit(module, device: module.map { current.device[$0] }, precision: module.map { current.precision[$0] })
            reserve -= moduleReserve
            return true
        }
        guard let chosen else { return false }
        best = scored[chosen]
        commit(context.module, device: best!.0.device, precision: best!.0.precision, start: best!.0.start)
        reserve -= moduleReserve
        return true
    }

    /// Whether the reference plan's slice of `module` fits the budget left, less the least
    /// accuracy cost of the layers not yet placed, and each device's memory left (`memoryLeft`).
    /// Modules solved earlier may have spent more than the reference did on their layers: kept
    /// regardless, the slices of the modules that time ran out for overspent the budget (200
    /// generated layers, 0.3 s limit). (Less the layers' shares instead, the slices that
    /// overspent their shares were refused even when no module had been solved: 10,000 layers,
    /// 3 s, a plan 0.5% worse before local search.)
    private func fits(_ module: [Int], _ reference: Assignment) -> Bool {
        let inModule = Set(module)
        if let budget = problem.instance.accuracyBudget {
            let spent = module.reduce(0) { $0 + problem.sensitivity($1, reference.precision[$1]) }
            let later = (0..<problem.layerCount).reduce(0) {
                $0 + (device[$1] < 0 && !inModule.contains($1) ? leastAccuracyCost[$1] : 0)
            }
            if budgetUsed + spent + later > budget { return false }
        }
        var left = memoryLeft(outside: inModule, groupDevice: groupDevices())
        for v in module { left[reference.device[v]] -= problem.weightBytes(v, reference.precision[v]) }
        return left.allSatisfy { $0 >= 0 }
    }

    /// The device of each group with a layer placed.
    func groupDevices() -> [String: Int] {
        var groupDevice: [String: Int] = [:]
        for v in device.indices where device[v] >= 0 {
            if let group = groupOf[v] { groupDevice[group] = device[v] }
        }
        return groupDevice
    }

    /// Each device's memory left for `module`: less what is placed, and less the least weight of
    /// each later layer that can go to that device only (a pin, a group already placed), which
    /// the module would otherwise fill and leave none.
    func memoryLeft(outside module: Set<Int>, groupDevice: [String: Int]) -> [Double] {
        var left = zip(problem.instance.devices, memoryUsed).map { $0.memory - $1 }
        for v in device.indices where device[v] < 0 && !module.contains(v) {
            guard let d = groupOf[v].flatMap({ groupDevice[$0] }) ?? onlyDevice[v] else { continue }
            left[d] -= leastWeight[v]
        }
        return left
    }

    /// Throughput, after every module is placed: re-solves a window of `moduleSize` layers
    /// around each border between modules (the halves of the two modules next to it) with
    /// everything else fixed — placed producers and consumers as pinned stubs, the other layers'
    /// loads as constants — and keeps the result if the full plan's period improves. The windows
    /// next to one that improved are solved again, while time is left. Returns how many improved.
    mutating func resolveBorders(_ modules: [[Int]], _ request: SolveRequest, until deadline: ContinuousClock.Instant) -> Int {
        let order = modules.flatMap { $0 }
        let size = SplitPlacement.moduleSize[.throughput]!
        var windows: [[Int]] = []
        var border = 0
        for (module, next) in zip(modules, modules.dropFirst()) {
            border += module.count
            let from = border - min(module.count, size / 2)
            windows.append(Array(order[from..<min(order.count, from + size, border + next.count)]))
        }
        var improved = 0
        // A window is worth another solve once a neighbour has changed.
        var pending = Set(windows.indices)
        while let i = pending.min() {
            pending.remove(i)
            let left = (deadline - ContinuousClock.now).seconds
            guard left > 0 else { break }
            var windowRequest = request
            windowRequest.timeLimit = left
            windowRequest.gap = max(request.gap, SplitPlacement.moduleGap)
            if resolve(windows[i], windowRequest) {
                improved += 1
                pending.formUnion([i - 1, i + 1].filter(windows.indices.contains))
            }
        }
        return improved
    }

    /// Re-solves `window` in the full plan; true if the plan's period improved.
    private mutating func resolve(_ window: [Int], _ request: SolveRequest) -> Bool {
        let before = Assignment(device: device, precision: precision)
        guard let score = LocalSearch.score(problem.evaluate(before), .throughput) else { return false }
        for v in window { device[v] = -1 }
        recompute()
        // The window is all that is left to place: the budget is kept for it alone.
        reserve = window.reduce(0) { $0 + share[$1] }
        if solve(window, request, reference: before),
            let after = LocalSearch.score(problem.evaluate(Assignment(device: device, precision: precision)), .throughput),
            after < score
        {
            recompute()
            return true
        }
        device = before.device
        precision = before.precision
        recompute()
        return false
    }

    /// Memory, budget and loads of the placed layers (device ≥ 0), from scratch.
    private mutating func recompute() {
        memoryUsed = [Double](repeating: 0, count: problem.deviceCount)
        budgetUsed = 0
        loads = LoadTracker(problem)
        for v in problem.graph.topologicalOrder where device[v] >= 0 {
            let (d, p) = (device[v], precision[v])
            loads.place(v, Problem.Option(device: d, precision: p, cost: problem.cost(v, d, p)), device: device, precision: precision)
            memoryUsed[d] += problem.weightBytes(v, p)
            budgetUsed += problem.sensitivity(v, p)
        }
    }

    /// Fixes the module's layers: devices, precisions, times, memory, budget and loads.
    private mutating func commit(_ module: [Int], device chosen: [Int], precision chosenPrecision: [Int], start starts: [Double]? = nil) {
        // A module that keeps the full plan's devices and precisions leaves that plan's evaluation
        // unchanged: after the deadline every module is kept, and re-evaluating 10,000 layers per
        // module took seconds.
        let unchanged = current.map { current in
            module.indices.allSatisfy { current.device[module[$0]] == chosen[$0] && current.precision[module[$0]] == chosenPrecision[$0] }
        } ?? false
        for (i, v) in module.enumerated() {
            let d = chosen[i]
            let p = chosenPrecision[i]
            loads.place(v, Problem.Option(device: d, precision: p, cost: problem.cost(v, d, p)), device: device, precision: precision)
            device[v] = d
            precision[v] = p
            memoryUsed[d] += problem.weightBytes(v, p)
            budgetUsed += problem.sensitivity(v, p)
            if let starts {
                start[v] = starts[i]
                finish[v] = starts[i] + problem.cost(v, d, p)
                ready[d] = max(ready[d], finish[v])
            }
            current?.device[v] = d
            current?.precision[v] = p
        }
        guard let current, let evaluation = unchanged ? currentEvaluation : problem.evaluate(LocalSearch.scheduled(problem, current, .latency))
        else { return }
        currentEvaluation = evaluation
        // The module's times as the full plan schedules them: later modules' release times start
        // from these (a module kept as it was brings no schedule of its own).
        guard evaluation.isValid else { return }
        for v in module {
            start[v] = evaluation.start[v]
            finish[v] = evaluation.finish[v]
            ready[device[v]] = max(ready[device[v]], finish[v])
        }
    }
}

/// One module as a problem of its own: its layers (sub-layer i is `module[i]`), followed, for
/// throughput, by a pinned zero-cost stub per placed layer that feeds it or (for a border window,
/// re-solved after everything is placed) that it feeds; the devices with the memory left, less
/// what later layers that can run only there need; the budget left minus the reserve of later
/// layers; groups already placed become pins.
/// (Stubs send their tensors again even where an earlier consumer already received them: the
/// module's estimate is pessimistic there, the final evaluation exact.)
private struct ModuleContext {
    let module: [Int]
    let sub: Problem
    /// For each stub, the placed layer it stands for.
    let stubs: [Int]
    let problem: Problem

    /// Stubs carry placed outputs into a throughput module; a latency module gets release times.
    init(_ problem: Problem, module: [Int], state: PlacedState, reserve: Double, withStubs: Bool) throws {
        self.problem = problem
        self.module = module
        let instance = problem.instance
        let inModule = Set(module)
        let groupDevice = state.groupDevices()
        var layers = module.map { v -> Layer in
            var layer = instance.layers[v]
            if let group = layer.group, let d = groupDevice[group] { layer.pin = problem.deviceName(d) }
            // The whole problem has already cut a group's layers down to the devices every
            // member can run on; without the members outside the module, the module would not.
            // A layer with one device left (`MemoryRoom`: a pin, a group's one common
            // device, the one device its weight fits) is pinned there.
            if let d = state.onlyDevice[v] {
                layer.pin = problem.deviceName(d)
            } else {
                let kinds = Set(problem.options[v].map { problem.kindNames[problem.kindOf[$0.device]] })
                layer.costs = layer.costs.filter { kinds.contains($0.key) }
            }
            return layer
        }
        var edges: [Edge] = []
        var stubs: [Int] = []
        // A placed layer is a producer or a consumer of the module, never both: the module is a
        // segment of a topological order.
        for edge in instance.edges {
            guard let from = problem.layerIndex[edge.from], let to = problem.layerIndex[edge.to] else { continue }
            switch (inModule.contains(from), inModule.contains(to)) {
            case (true, true):
                edges.append(edge)
            case (false, true) where withStubs:
                var stubEdge = edge
                stubEdge.from = "\u{0}placed:" + edge.from
                if !stubs.contains(from) { stubs.append(from) }
                edges.append(stubEdge)
            case (true, false) where withStubs && state.device[to] >= 0:
                var stubEdge = edge
                stubEdge.to = "\u{0}placed:" + edge.to
                if !stubs.contains(to) { stubs.append(to) }
                edges.append(stubEdge)
            default:
                continue
            }
        }
        for u in stubs {
            let d = state.device[u]
            layers.append(Layer(
                name: "\u{0}placed:" + problem.layerName(u), params: 0, outputElements: problem.outputElements[u],
                costs: [problem.kindNames[problem.kindOf[d]]: [problem.precisionName(state.precision[u]): 0]],
                pin: problem.deviceName(d)))
        }
        var devices = instance.devices
        for (d, left) in state.memoryLeft(outside: inModule, groupDevice: groupDevice).enumerated() { devices[d].memory = max(0, left) }
        let budget = instance.accuracyBudget.map { max(0, $0 - state.budgetUsed - reserve) }
        self.stubs = stubs
        sub = try Problem(Instance(
            name: "\(instance.name)-module", precisions: instance.precisions, devices: devices, links: instance.links,
            layers: layers, edges: edges, objective: instance.objective, accuracyBudget: budget,
            commOverlap: instance.commOverlap))
    }

    /// release[i][d]: the earliest start of module layer i on device d given what is placed.
    func release(_ state: PlacedState) -> [[Double]] {
        (0..<sub.layerCount).map { i in
            guard i < module.count else { return [Double](repeating: 0, count: problem.deviceCount) }
            let v = module[i]
            return (0..<problem.deviceCount).map { d in
                var earliest = state.ready[d]
                let graph = problem.graph
                for u in graph.predecessors(of: v) where state.device[u] >= 0 {
                    let bytes = (graph.successorStart[u]..<graph.successorStart[u + 1])
                        .map { problem.edgeBytes(successorEntry: $0, from: u, precision: state.precision[u]) }.max() ?? 0
                    earliest = max(earliest, state.finish[u] + problem.transfers.time(from: state.device[u], to: d, bytes: bytes))
                }
                return earliest
            }
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
