import Foundation
import PlacementModel
import Testing

/// Evaluator figures against hand computations (SPEC §2-3). Each instance uses round numbers
/// so the expected values in the comments can be checked on paper.
@Suite struct EvaluatorTests {
    /// a (10 s) feeds b (20 s) and c (30 s); a's output is 100 fp32 elements = 400 bytes;
    /// the link has latency 1 s and 100 bytes/s, so τ = 1 + 400/100 = 5 s.
    static func fanOut(commOverlap: Bool = true, edgeBytes: (Double?, Double?) = (nil, nil)) -> String {
        func bytes(_ value: Double?) -> String { value.map { ", \"bytes\": \($0)" } ?? "" }
        return """
            {"name": "fan-out", "commOverlap": \(commOverlap),
             "devices": [{"name": "d0", "kind": "k", "memory": 1e9}, {"name": "d1", "kind": "k", "memory": 1e9}],
             "links": {"intraServer": {"bandwidth": 100, "latency": 1}},
             "layers": [
               {"name": "a", "outputElements": 100, "costs": {"k": {"fp32": 10}}},
               {"name": "b", "costs": {"k": {"fp32": 20}}},
               {"name": "c", "costs": {"k": {"fp32": 30}}}],
             "edges": [{"from": "a", "to": "b"\(bytes(edgeBytes.0))}, {"from": "a", "to": "c"\(bytes(edgeBytes.1))}]}
            """
    }

    static let split = ["a": ("d0", "fp32"), "b": ("d1", "fp32"), "c": ("d1", "fp32")]

    @Test func tensorSentOnceToADeviceHostingTwoConsumers() throws {
        let p = try problem(Self.fanOut())
        let e = p.evaluate(assign(p, Self.split))
        #expect(e.isValid)
        // The 400 bytes cross d0→d1 once: 4 s of link time, not 8.
        #expect(e.linkLoad == [.pair(0, 1): 4])
        #expect(e.deviceLoad == [10, 50])
        #expect(e.period == 50)
        // Ranks: b 20, c 30, a 10 + 5 + 30 = 45. a runs 0-10; c (rank 30) first at 10 + 5 = 15
        // until 45; then b 45-65.
        #expect(e.start == [0, 45, 15])
        #expect(e.latency == 65)
    }

    @Test func commOverlapOffChargesTransfersToBothDevices() throws {
        let p = try problem(Self.fanOut(commOverlap: false))
        let e = p.evaluate(assign(p, Self.split))
        #expect(e.deviceLoad == [14, 54])
        #expect(e.period == 54)
        #expect(close(e.throughput, 1.0 / 54))
        // Latency is unaffected by commOverlap.
        #expect(e.latency == 65)
    }

    @Test func edgeByteOverridesTakeTheLargestIntoEachDevice() throws {
        // Edges carry 800 and 200 bytes; both consumers are on d1, so 800 bytes cross once.
        let p = try problem(Self.fanOut(edgeBytes: (800, 200)))
        let e = p.evaluate(assign(p, Self.split))
        #expect(e.linkLoad == [.pair(0, 1): 8])
        // τ = 1 + 8 = 9: c starts at 19 and ends at 49, then b 49-69.
        #expect(e.latency == 69)
    }

    @Test func linkLoadSetsThePeriodWhenItIsTheBottleneck() throws {
        let json = """
            {"devices": [{"name": "d0", "kind": "k"}, {"name": "d1", "kind": "k"}],
             "links": {"intraServer": {"bandwidth": 100, "latency": 0}},
             "layers": [{"name": "a", "outputElements": 10000, "costs": {"k": {"fp32": 10}}},
                        {"name": "b", "costs": {"k": {"fp32": 20}}}],
             "edges": [{"from": "a", "to": "b"}]}
            """
        let p = try problem(json)
        let e = p.evaluate(assign(p, ["a": ("d0", "fp32"), "b": ("d1", "fp32")]))
        // 40,000 bytes at 100 B/s: the link is busy 400 s per input, the devices 10 and 20 s.
        #expect(e.period == 400)
        #expect(e.latency == 430)
        // Together on one device nothing is sent: period 30.
        #expect(p.evaluate(assign(p, ["a": ("d0", "fp32"), "b": ("d0", "fp32")])).period == 30)
    }

    @Test func lowerPrecisionShrinksTransfersAndWeights() throws {
        let json = """
            {"precisions": [{"name": "fp32", "bits": 32}, {"name": "fp16", "bits": 16}],
             "devices": [{"name": "d0", "kind": "k"}, {"name": "d1", "kind": "k"}],
             "links": {"intraServer": {"bandwidth": 100, "latency": 0}},
             "layers": [{"name": "a", "params": 50, "outputElements": 100, "costs": {"k": {"fp32": 10, "fp16": 6}}},
                        {"name": "b", "costs": {"k": {"fp32": 20}}}],
             "edges": [{"from": "a", "to": "b"}]}
            """
        let p = try problem(json)
        let e = p.evaluate(assign(p, ["a": ("d0", "fp16"), "b": ("d1", "fp32")]))
        #expect(e.memory == [100, 0])  // 50 params × 2 bytes
        #expect(e.linkLoad == [.pair(0, 1): 2])  // 100 elements × 2 bytes / 100 B/s
        #expect(e.latency == 6 + 2 + 20)
    }

    @Test func serversUseTheInterServerLinkAndPairOverrides() throws {
        let json = """
            {"devices": [{"name": "d0", "kind": "k", "server": "s0"}, {"name": "d1", "kind": "k", "server": "s1"},
                         {"name": "d2", "kind": "k", "server": "s1"}],
             "links": {"intraServer": {"bandwidth": 100, "latency": 1}, "interServer": {"bandwidth": 50, "latency": 2},
                       "pairs": [{"from": "d1", "to": "d2", "bandwidth": 400, "latency": 0}]},
             "layers": [{"name": "a", "outputElements": 100, "costs": {"k": {"fp32": 1}}},
                        {"name": "b", "outputElements": 100, "costs": {"k": {"fp32": 1}}},
                        {"name": "c", "costs": {"k": {"fp32": 1}}}],
             "edges": [{"from": "a", "to": "b"}, {"from": "b", "to": "c"}]}
            """
        let p = try problem(json)
        let e = p.evaluate(assign(p, ["a": ("d0", "fp32"), "b": ("d1", "fp32"), "c": ("d2", "fp32")]))
        // a→b crosses servers: 2 + 400/50 = 10; b→c uses the override: 0 + 400/400 = 1.
        #expect(e.start == [0, 11, 13])
        #expect(e.linkLoad == [.pair(0, 1): 8, .pair(1, 2): 1])
        // The override is one-way: d2→d1 still uses the intra-server default.
        #expect(p.transfers.time(from: 2, to: 1, bytes: 400) == 5)
        // d1 and d2 are named in an override, so no device shares a class.
        #expect(p.deviceClasses.allSatisfy { $0.count == 1 })
    }

    /// SPEC §2 host-staged mode with the NeurIPS'20 numbers: bandwidth 1, latency 0, commOverlap off.
    static let hostStaged = """
        {"commOverlap": false,
         "devices": [{"name": "accel0", "kind": "accel", "memory": 100}, {"name": "accel1", "kind": "accel", "memory": 100},
                     {"name": "cpu0", "kind": "cpu", "hostMemory": true}],
         "links": {"mode": "hostStaged", "intraServer": {"bandwidth": 1, "latency": 0}},
         "layers": [{"name": "u", "outputBytes": 3, "costs": {"accel": {"fp32": 2}, "cpu": {"fp32": 20}}},
                    {"name": "v", "costs": {"accel": {"fp32": 4}, "cpu": {"fp32": 40}}},
                    {"name": "w", "costs": {"cpu": {"fp32": 5}}}],
         "edges": [{"from": "u", "to": "v"}, {"from": "u", "to": "w"}]}
        """

    @Test func hostStagedCopiesOnceToHostAndOnceIntoEachDevice() throws {
        let p = try problem(Self.hostStaged)
        let e = p.evaluate(assign(p, ["u": ("accel0", "fp32"), "v": ("accel1", "fp32"), "w": ("cpu0", "fp32")]))
        // u's 3 bytes go to host memory once (3 s) and from there into accel1 (3 s); the CPU reads
        // host memory for free. With commOverlap off each accelerator pays its copies:
        // accel0 = 2 + 3, accel1 = 4 + 3, cpu0 = 5 (the paper's max-load is 7).
        #expect(e.linkLoad == [.toHost(0): 3, .fromHost(1): 3])
        #expect(e.deviceLoad == [5, 7, 5])
        #expect(e.period == 7)
        // Latency: u 0-2; w at 2 + 3 = 5 until 10; v at 2 + 3 + 3 = 8 until 12.
        #expect(e.start == [0, 8, 5])
        #expect(e.latency == 12)
    }

    @Test func hostStagedAcrossServersCrossesTheNetworkOncePerServer() throws {
        let json = """
            {"devices": [{"name": "a0", "kind": "k", "server": "s0"}, {"name": "a1", "kind": "k", "server": "s1"},
                         {"name": "a2", "kind": "k", "server": "s1"}],
             "links": {"mode": "hostStaged", "intraServer": {"bandwidth": 100, "latency": 0.5},
                       "interServer": {"bandwidth": 10, "latency": 1}},
             "layers": [{"name": "x", "outputBytes": 1000, "costs": {"k": {"fp32": 1}}},
                        {"name": "y", "costs": {"k": {"fp32": 1}}}, {"name": "z", "costs": {"k": {"fp32": 1}}}],
             "edges": [{"from": "x", "to": "y"}, {"from": "x", "to": "z"}]}
            """
        let p = try problem(json)
        let e = p.evaluate(assign(p, ["x": ("a0", "fp32"), "y": ("a1", "fp32"), "z": ("a2", "fp32")]))
        // Up 0.5 + 10, across 1 + 100, down 0.5 + 10: both consumers start at 1 + 122 = 123.
        #expect(e.start == [0, 123, 123])
        // The network carries the tensor once for server s1, each device receives it once.
        #expect(e.linkLoad == [.toHost(0): 10, .network(0, 1): 100, .fromHost(1): 10, .fromHost(2): 10])
        #expect(e.period == 100)
    }

    @Test func givenScheduleIsCheckedNotRescheduled() throws {
        let p = try problem(Self.fanOut())
        // A valid schedule that is worse than list scheduling: b before c.
        let slow = p.evaluate(assign(p, Self.split, start: ["a": 0, "b": 15, "c": 35]))
        #expect(slow.isValid)
        #expect(slow.scheduleWasGiven)
        #expect(slow.latency == 65)
        let overlap = p.evaluate(assign(p, Self.split, start: ["a": 0, "b": 15, "c": 34]))
        #expect(overlap.violations == ["layers 'b' and 'c' overlap on device 'd1'"])
        let early = p.evaluate(assign(p, Self.split, start: ["a": 0, "b": 14, "c": 34]))
        #expect(early.violations.first == "layer 'b' starts at 14.0 s, before its input from 'a' arrives at 15.0 s")
    }

    @Test func listSchedulingBreaksRankTiesByFileOrder() throws {
        func schedule(_ first: String, _ second: String) throws -> [String: Double] {
            let p = try problem("""
                {"devices": [{"name": "d0", "kind": "k"}],
                 "layers": [{"name": "\(first)", "costs": {"k": {"fp32": 5}}}, {"name": "\(second)", "costs": {"k": {"fp32": 5}}}]}
                """)
            let e = p.evaluate(assign(p, [first: ("d0", "fp32"), second: ("d0", "fp32")]))
            return Dictionary(uniqueKeysWithValues: (0..<2).map { (p.layerName($0), e.start[$0]) })
        }
        #expect(try schedule("x", "y") == ["x": 0, "y": 5])
        #expect(try schedule("y", "x") == ["y": 0, "x": 5])
    }

    @Test func constraintViolationsAreNamed() throws {
        let json = """
            {"precisions": [{"name": "fp32", "bits": 32}, {"name": "int8", "bits": 8}],
             "devices": [{"name": "big", "kind": "k", "memory": 1000},
                         {"name": "small", "kind": "k", "memory": 100, "precisions": ["fp32"]}],
             "links": {"intraServer": {"bandwidth": 1, "latency": 0}},
             "layers": [{"name": "a", "params": 50, "costs": {"k": {"fp32": 1, "int8": 1}}, "sensitivity": {"int8": 0.5}, "group": "g"},
                        {"name": "b", "params": 10, "costs": {"k": {"fp32": 1, "int8": 1}}, "group": "g"},
                        {"name": "c", "costs": {"k": {"fp32": 1}}, "pin": "big"}],
             "accuracyBudget": 0.1}
            """
        let p = try problem(json)
        let valid = p.evaluate(assign(p, ["a": ("big", "fp32"), "b": ("big", "fp32"), "c": ("big", "fp32")]))
        #expect(valid.violations.isEmpty)
        #expect(valid.memory == [240, 0])
        let bad = p.evaluate(assign(p, ["a": ("small", "int8"), "b": ("big", "fp32"), "c": ("small", "fp32")]))
        #expect(Set(bad.violations) == [
            "layer 'a': device 'small' does not support precision 'int8'",
            "layer 'c' is pinned to 'big' but placed on 'small'",
            "layers 'a' and 'b' of group 'g' are on different devices",
            "accuracy cost 0.5 exceeds the budget 0.1",
        ])
        let heavy = p.evaluate(assign(p, ["a": ("small", "fp32"), "b": ("small", "fp32"), "c": ("big", "fp32")]))
        #expect(heavy.violations == ["device 'small' holds 240 B of weights, more than its 100 B"])
    }

    @Test func bundledTinyPlanMatchesHandComputation() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let p = try Instance.load(path: root.appendingPathComponent("instances/tiny.json").path)
        let plan = try Plan.load(path: root.appendingPathComponent("instances/plans/tiny.json").path)
        let e = p.evaluate(try p.assignment(from: plan))
        #expect(e.isValid)
        // input (cpu0, 10 µs) → conv1 on gpu0 after 10 µs + 602,112 B / 16 GB/s = 47.632 µs;
        // conv1 (fp16, 30 µs) → branch_b on cpu0 after 10 + 1,605,632 / 16e9 s = 110.352 µs;
        // branch_b (400 µs) → fc on gpu0 after 10 + 802,816 / 16e9 s = 60.176 µs; fc takes 20 µs.
        #expect(close(e.latency, 10e-6 + 47.632e-6 + 30e-6 + 110.352e-6 + 400e-6 + 60.176e-6 + 20e-6))
        #expect(close(e.period, 410e-6))  // cpu0: 10 + 400 µs
        #expect(close(e.accuracyCost, 0.003))
    }
}

@Suite struct InsertionScheduleTests {
    @Test func insertionFillsAGapListSchedulingLeaves() throws {
        // a (1 s, d0) feeds p (1 s, d1) over a link of latency 4: p cannot start before 5. p feeds
        // r (3 s, d1); q (2 s, d1) is independent. Ranks: a 9, p 4, r 3, q 2.
        // List scheduling: a 0-1, p 5-6, r 6-9, q appended 9-11: 11 s.
        // Insertion: q fits into d1's idle 0-5 before p: 0-2, and the makespan is 9 s.
        let p = try problem("""
            {"devices": [{"name": "d0", "kind": "k"}, {"name": "d1", "kind": "k"}],
             "links": {"intraServer": {"bandwidth": 1, "latency": 4}},
             "layers": [{"name": "a", "costs": {"k": {"fp32": 1}}}, {"name": "p", "costs": {"k": {"fp32": 1}}},
                        {"name": "r", "costs": {"k": {"fp32": 3}}}, {"name": "q", "costs": {"k": {"fp32": 2}}}],
             "edges": [{"from": "a", "to": "p"}, {"from": "p", "to": "r"}]}
            """)
        let plan = assign(p, ["a": ("d0", "fp32"), "p": ("d1", "fp32"), "r": ("d1", "fp32"), "q": ("d1", "fp32")])
        #expect(p.evaluate(plan).latency == 11)
        var inserted = plan
        inserted.start = p.insertionSchedule(plan)
        let evaluation = p.evaluate(inserted)
        #expect(evaluation.isValid)
        #expect(inserted.start == [0, 5, 6, 0])
        #expect(evaluation.latency == 9)
    }
}
