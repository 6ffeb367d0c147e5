import PlacementModel
import Reports
import Testing

@Suite struct BenchmarkTableTests {
    static let rows = [
        BenchmarkRow(instance: "a, \"quoted\"", method: "split", objective: "latency", status: "feasible", value: 2, lowerBound: 1, seconds: 1, layers: 3, edges: 2, devices: 2),
        BenchmarkRow(instance: "a, \"quoted\"", method: "single", objective: "latency", status: "feasible", value: 8, lowerBound: 1, seconds: 0.01, layers: 3, edges: 2, devices: 2),
        BenchmarkRow(instance: "b", method: "split", objective: "latency", status: "feasible", value: 4, lowerBound: 2, seconds: 4, layers: 3, edges: 2, devices: 2),
        BenchmarkRow(instance: "b", method: "single", objective: "latency", status: "unknown", value: nil, lowerBound: nil, seconds: 0.01, layers: 3, edges: 2, devices: 2),
    ]

    @Test func csvRoundTripsWithQuotingAndEmptyFields() throws {
        let text = BenchmarkTable.csv(Self.rows)
        #expect(text.hasPrefix(BenchmarkTable.header + "\n\"a, \"\"quoted\"\"\",split,latency,feasible,2.0,1.0,1.0,1.000"))
        #expect(try BenchmarkTable.parse(text, file: "t.csv") == Self.rows)
        #expect(throws: InputError.self) { try BenchmarkTable.parse("x,y\n", file: "t.csv") }
    }

    @Test func markdownSummarisesByHand() {
        let text = BenchmarkTable.markdown(Self.rows, title: "T", command: "cmd")
        // split is best on both instances (value/best 1, 2 wins); single: 8/2 = 4 on one of two.
        #expect(text.contains("split     2/2                         1     2"))
        #expect(text.contains("single    1/2                         4     0"))
        // Best bound / best plan: (1/2 · 2/4)^½ = 0.5; single against the best plan: 4x.
        #expect(text.contains("Best lower bound / best plan, geometric mean: 0.5"))
        #expect(text.contains("- best plan against the best single device: 4x faster (geometric mean over 1)"))
    }
}

@Suite struct BenchmarkPlotsTests {
    @Test func plotsHaveAPointPerPlanAndABarPerSingleDeviceRun() throws {
        let quality = BenchmarkPlots.qualityVersusTime(BenchmarkTableTests.rows)
        let speedUp = BenchmarkPlots.speedUpOverSingleDevice(BenchmarkTableTests.rows)
        let counter = PlanChartTests()
        // Three rows have a value; one single-device run has one.
        #expect(try counter.parse(quality).classes["point"] == 3)
        #expect(try counter.parse(speedUp).classes["bar"] == 1)
        #expect(speedUp.contains(">4x</text>"))
    }
}

@Suite struct ParetoFrontTests {
    @Test func frontKeepsOnlyNonDominatedPoints() {
        let points = [
            ParetoFront.Point(budget: 0, accuracyCost: 0, value: 10, status: "optimal"),
            ParetoFront.Point(budget: 1, accuracyCost: 0.5, value: 7, status: "optimal"),
            ParetoFront.Point(budget: 2, accuracyCost: 0.9, value: 7, status: "feasible"),  // dominated: costlier, no faster
            ParetoFront.Point(budget: 3, accuracyCost: 1.2, value: 4, status: "optimal"),
        ]
        let front = ParetoFront(points: points, objective: .throughput)
        #expect(front.front.map(\.budget) == [0, 1, 3])
        #expect(front.csv.split(separator: "\n")[3] == "2.0,0.9,7.0,feasible,false")
        #expect(front.svg.components(separatedBy: "class=\"point\"").count - 1 == 4)
    }
}

@Suite struct BenchmarkETATests {
    /// Each remaining row at its method's mean so far (split: (1 + 4)/2, single: 0.01), or the
    /// time limit for a method not yet run: 2.5 + 0.01 + 60, not 3 × the overall mean 1.255.
    @Test func remainingRowsAreChargedTheirMethodsMeanOrTheLimit() {
        let remaining = [(method: "split", objective: "latency"), ("single", "latency"), ("milp", "latency")]
        let seconds = BenchmarkETA.secondsLeft(remaining, done: BenchmarkTableTests.rows, timeLimit: 60)
        #expect(abs(seconds - 62.51) < 1e-9)
        // Another objective is another estimate.
        #expect(BenchmarkETA.secondsLeft([("split", "throughput")], done: BenchmarkTableTests.rows, timeLimit: 60) == 60)
    }
}
