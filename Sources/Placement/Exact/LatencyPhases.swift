import PlacementModel

/// What the exact method does for latency before the full MILP, whose big-M pairs keep CBC
/// from closing beyond about 20 layers: the assignment relaxation for a bound (and a plan),
/// local search with kicks on larger instances and the MILP neighbourhood search for plans, at
/// the search's first local optimum a slice of the full MILP when the plan is close to the
/// bound (or the search's whole time when it improved nothing), a second relaxation below the
/// search's plan when the first did not close, and the full MILP or kicks for the time left.
extension ExactRun {
    /// Runs the phases, then the full MILP for the time left, or, when too little is left for it,
    /// local search with kicks until the limit.
    mutating func latencyPhases() throws -> PlacementResult {
        let relaxed = try AssignmentRelaxation.solve(
            problem, request, upperBound: initialUpperBound, warmStart: incumbent,
            timeLimit: request.timeLimit * Self.relaxationShare - secondsElapsed)
        // Without a plan, the relaxation's upper bound is the trivial one, which every plan's
        // serial schedule meets: the relaxation contains every plan, so its infeasibility is the
        // instance's (the full model took 37 s to prove it where this took 0.01 s, on a fuzzed
        // 250-layer instance).
        if relaxed.infeasible, incumbent == nil {
            return infeasible("infeasible (proved by the solver on the assignment relaxation)")
        }
        knownBound = max(knownBound, relaxed.bound)
        offer(relaxed.plan)
        request.progress?("assignment relaxation\(Self.closure(relaxed.proven)): lower bound \(describe(knownBound, objective))")
        if let done = try answerIfOptimal() { return done }
        guard var start = incumbent else { return try answerWithFullModel(formulation()) }
        if problem.layerCount >= Self.kicksFirstLayers {
            let end = problem.layerCount >= Self.longKicksLayers ? Self.longKicksEnd : Self.kicksEnd
            let kicked = LocalSearch.improve(
                problem, from: start.0, objective: objective, deadline: clock + .seconds(request.timeLimit * end),
                kicks: .max, target: target)
            offer((kicked, problem.evaluate(kicked)))
            start = incumbent ?? start
            request.progress?("local search with kicks: \(describe(start.1.latency, objective))")
            if let done = try answerIfOptimal() { return done }
        }
        // A relaxation that did not reach its optimum runs again after the search, with the
        // search's plan as its upper bound: a smaller model, whose optimum is no lower.
        let retry = !relaxed.proven && (NeighborhoodSearch.minimumLayers...Self.retryLayers).contains(problem.layerCount)
            && request.timeLimit * (Self.retryEnd - Self.neighborhoodEndBeforeRetry) >= Self.retryMinimumSeconds
        let searchEnd = request.timeLimit * (retry ? Self.neighborhoodEndBeforeRetry : Self.neighborhoodEnd)
        let searched = try NeighborhoodSearch.improve(
            problem, request, from: start, timeLimit: searchEnd - secondsElapsed, target: target, widen: false)
        incumbent = searched
        if let done = try answerIfOptimal() { return done }
        let stuck = searched.1.latency >= start.1.latency
        // At the search's first local optimum, the full model for a share of the time (all of
        // the search's time when the search improved nothing at all), if any of it is left: a
        // search past its end (windows on 250 layers, 3 s limit) gave CBC its 0.01 s minimum,
        // and CBC spent over a minute on the 110,000-row model's root.
        let seconds = stuck ? searchEnd - secondsElapsed : min(request.timeLimit * Self.fullModelSlice, searchEnd - secondsElapsed)
        if problem.layerCount >= NeighborhoodSearch.minimumLayers, seconds > 0,
            stuck || (relaxed.proven && searched.1.latency <= knownBound * (1 + Self.fullModelSliceGap))
        {
            let full = latencyFormulation()
            if let skip = fullModelSkip(full, seconds: seconds) {
                request.progress?(skip)
            } else {
                let run = try solveFullModel(full, seconds: seconds)
                knownBound = max(knownBound, run.bound ?? 0)
                offer(run.plan)
                request.progress?((run.rejection.map { $0 + "; " } ?? "") + "MILP: lower bound \(describe(knownBound, objective))")
                if let done = try answerIfOptimal() { return done }
            }
        }
        incumbent = try NeighborhoodSearch.improve(
            problem, request, from: incumbent ?? start, timeLimit: searchEnd - secondsElapsed, target: target,
            firstSize: NeighborhoodSearch.window * 3 / 2)
        if let done = try answerIfOptimal() { return done }
        if retry, let (_, evaluation) = incumbent {
            let again = try AssignmentRelaxation.solve(
                problem, request, upperBound: evaluation.latency, warmStart: incumbent,
                timeLimit: request.timeLimit * Self.retryEnd - secondsElapsed)
            knownBound = max(knownBound, again.bound)
            offer(again.plan)
            request.progress?(
                "assignment relaxation below the search's plan\(Self.closure(again.proven)): lower bound \(describe(knownBound, objective))")
            if let done = try answerIfOptimal() { return done }
        }
        // The full MILP for the time left, unless too little is left for it.
        let left = request.timeLimit - secondsElapsed
        guard problem.layerCount < NeighborhoodSearch.minimumLayers || left >= request.timeLimit * Self.fullModelShare else {
            return try kickUntilTheLimit(skipping: "full MILP skipped: less than \(Int(Self.fullModelShare * 100))% of the time left")
        }
        let full = latencyFormulation()
        guard let skip = fullModelSkip(full, seconds: left) else { return try answerWithFullModel(full) }
        return try kickUntilTheLimit(skipping: skip)
    }

    /// Whether a relaxation's bound is its optimum: if so, only a better plan or the full
    /// model (which sees layers contend for a device) can close the gap left.
    private static func closure(_ proven: Bool) -> String { proven ? ", solved" : ", stopped at its share of the time" }

    /// From this many layers, local search with kicks (`LocalSearch`) runs from the relaxation's
    /// end until `kicksEnd` of the time, before the neighbourhood search. Measured (`dnnplace
    /// solve generated.json --method milp --time-limit 60`, CBC, wide quantized DAGs, seeds 1 to
    /// 3, each run beside the code without it): 60 layers 10.764 → 10.727, 13.345 → 13.264 ms
    /// (0.96% from the bound) and 11.785 → 11.608 ms; 100 layers 18.965 → 18.408, 20.455 →
    /// 20.188 and 19.572 → 19.367 ms (kicks until 70% of the time instead: within 0.2% of these
    /// on 60 layers seed 3 and 100 layers seed 1). At 40 layers the windows alone do as well or
    /// better (kicks first: 9.207 → 9.256 ms on seed 2, +0.1% on seed 3, the same on seed 1), and
    /// narrow fp32 chains proven in 7.9 and 6.2 s took 32.7 and 33.8 s: the windows bring their
    /// plans within `fullModelSliceGap` of the bound, where the full model proves them.
    static let kicksFirstLayers = 50
    static let kicksEnd = 0.5
    /// From this many layers the kicks run until `longKicksEnd`: there the neighbourhood search's
    /// windows improved less than kicks. Measured (60 s, CBC, seeds 1 to 3, kicks until 80%
    /// against 50% of the time): 150 layers 26.757 → 26.757, 31.382 → 31.261, 28.680 → 28.522
    /// ms; 250 layers 45.667 → 45.354, 52.658 → 52.350, 47.138 → 46.703 ms.
    static let longKicksLayers = 150
    static let longKicksEnd = 0.8

    /// Share of a latency solve's time the assignment relaxation may take. Measured on a
    /// generated 40-layer instance (CBC, fp32/fp16/int8 with a budget): the relaxation's optimum,
    /// 6.10 ms, took 8 s; the full model's bound after 50 s more was 6.00 ms.
    static let relaxationShare = 0.3

    /// The neighbourhood search runs until this share of a latency solve's time has passed; kicks
    /// get the rest (the full MILP improved neither plan nor bound there at 40 to 100 layers).
    static let neighborhoodEnd = 0.9

    /// When the relaxation did not close in its share, on up to `retryLayers` layers, the
    /// search stops at this share and the relaxation runs again until `retryEnd`. Measured on
    /// generated instances (`dnnplace solve generated.json --method milp --time-limit 60`, CBC,
    /// seeds 1 to 3): at 60 layers the retry closed where the first run had not, gap 2.05% →
    /// 1.67% (seed 2, twice) and 5.26% → 4.50% (seed 1); at 40 layers the first run closed; at
    /// 100 layers the retry did not close and the shorter search left plans 0.2 to 0.8% worse.
    static let neighborhoodEndBeforeRetry = 0.7
    static let retryEnd = 0.95
    static let retryLayers = 60
    /// The retry runs only when its share is at least this long (a limit of 60 s or more).
    /// With a shorter share it raised no bound here and shortened the search (CBC): at 10 s
    /// (2.5 s for the retry) 40 layers, seed 1, 6.288 → 6.351 ms and 60 layers 0.2% worse; at
    /// 30 s (7.5 s) the bounds at 60 layers, seeds 1 and 2, stayed at 10.24 and 13.09 ms, and
    /// seed 1's plan was 11.01 ms with the retry and 10.85 ms without.
    static let retryMinimumSeconds = 15.0

    /// Share of a latency solve's time for the full MILP at the neighbourhood search's first
    /// local optimum, when the relaxation reached its optimum and the search's plan is within
    /// `fullModelSliceGap` of the bound: with that plan's latency as upper bound the model is
    /// small enough to prove. Measured (`dnnplace solve random-40-d1.5-w4-sS.json --method milp
    /// --time-limit 60`, fp32, CBC): seeds 1 and 2 proven optimal in 5.5 and 9.5 s, where the
    /// full MILP after the whole search took 57.1 and 40.4 s; seed 3 (4.2% from its bound
    /// there) and the wide quantized 40-layer instances of milp.md (2.9 to 5.4%) are searched
    /// as before. A slice given regardless of the gap cost those a sweep of wider windows:
    /// seed 2, 9.382 → 9.511 ms. When the first sweep improved nothing at all, the full model
    /// gets the search's time instead: the NeurIPS'20 BERT input (32 layers, 13 devices), whose
    /// heuristic plan is optimal and whose relaxation did not close in its 9 s, was proven in
    /// 23.8 s of 30, where the wider windows had used the time up without a proof. The first
    /// sweeps of generated 60 layers, seed 3 (60 s), and the bundled ResNet-50 (72 layers, 30 s)
    /// improved nothing too: the first kept its plan (11.895 ms), the second ended at 453.61 µs
    /// against the wider windows' 453.56, with the bound at 436.4 µs instead of 436.0.
    static let fullModelSlice = 0.25
    static let fullModelSliceGap = 0.025

    /// After the neighbourhood search, the full latency MILP runs only with at least this share
    /// of the time left (and only if its root fits, `fullModelSkip`), else kicks: on 200 layers,
    /// CBC given the last 5.9 s of 60 returned 7.6 s late, on a model that improved neither plan
    /// nor bound at 40 to 100 layers.
    static let fullModelShare = 0.2
}
