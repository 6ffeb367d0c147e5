import PlacementModel
import Testing

/// Every kind of bad input gets a diagnostic naming where (JSON path) and what.
@Suite struct InstanceValidationTests {
    static let devices = """
        "devices": [{"name": "cpu0", "kind": "xeon"}, {"name": "gpu0", "kind": "a100"}],
        "links": {"intraServer": {"bandwidth": 1e9, "latency": 1e-5}}
        """

    /// A valid instance with `layers` and `edges` spliced in.
    static func instance(_ layers: String, edges: String = "[]", extra: String = "") -> String {
        "{\(devices), \"layers\": \(layers), \"edges\": \(edges)\(extra)}"
    }

    static let twoLayers = """
        [{"name": "a", "costs": {"xeon": {"fp32": 1}}}, {"name": "b", "costs": {"a100": {"fp32": 1}}}]
        """

    func expectOne(_ json: String, path: String, contains text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let found = diagnostics(json)
        #expect(found.contains { $0.path == path && $0.message.contains(text) },
                "expected '\(text)' at \(path), got: \(found)", sourceLocation: sourceLocation)
    }

    @Test func validInstanceHasNoDiagnostics() {
        #expect(diagnostics(Self.instance(Self.twoLayers, edges: #"[{"from": "a", "to": "b"}]"#)).isEmpty)
    }

    /// Transfer times are kept for every pair of devices: 100,008 devices (a NeurIPS'20 input
    /// with maxFPGAs 100,000) asked for 80 GB and crashed; past the limit they are refused.
    @Test func tooManyDevicesAreRefusedBeforeAnyTableIsBuilt() {
        let devices = (0...Problem.deviceLimit).map { #"{"name": "d\#($0)", "kind": "xeon"}"# }.joined(separator: ", ")
        let json = #"{"devices": [\#(devices)], "layers": [{"name": "a", "costs": {"xeon": {"fp32": 1}}}], "edges": []}"#
        #expect(diagnostics(json) == [Diagnostic(
            path: "devices", message: "\(Problem.deviceLimit + 1) devices: at most \(Problem.deviceLimit) are supported (transfer times are kept for every pair)")])
    }

    @Test func malformedJSONGivesLineAndColumn() {
        #expect(throws: JSONParseError(line: 2, column: 9, message: "expected ',' or '}'")) {
            try JSONParser.parse("{\"a\": 1,\n \"b\": 2 \"c\": 3}")
        }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("{\"a\": [1, 2") }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[01]") }
    }

    @Test func wrongTypesAndMissingFields() {
        expectOne(Self.instance(#"[{"name": 3, "costs": {}}]"#), path: "layers[0].name", contains: "expected a string, found a number")
        expectOne(Self.instance(#"[{"costs": {"xeon": {"fp32": 1}}}]"#), path: "layers[0]", contains: "missing field 'name'")
        expectOne(#"{"layers": []}"#, path: "", contains: "missing field 'devices'")
        expectOne(Self.instance(#"[{"name": "a", "costs": {"xeon": {"fp32": "fast"}}}]"#), path: "layers[0].costs.xeon.fp32", contains: "expected a number, found a string")
        expectOne(Self.instance(Self.twoLayers, extra: #", "commOverlap": "yes""#), path: "commOverlap", contains: "expected true or false")
    }

    @Test func unknownFieldsAreTyposNotSilence() {
        expectOne(Self.instance(#"[{"name": "a", "cost": {"xeon": {"fp32": 1}}}]"#), path: "layers[0].cost", contains: "unknown field")
    }

    @Test func negativeAndNonFiniteNumbers() {
        expectOne(Self.instance(#"[{"name": "a", "costs": {"xeon": {"fp32": -1}}}]"#), path: "layers[0].costs.xeon.fp32", contains: "must not be negative")
        expectOne(Self.instance(#"[{"name": "a", "params": 1e999, "costs": {"xeon": {"fp32": 1}}}]"#), path: "layers[0].params", contains: "not finite")
        let zeroBandwidth = #"{"devices": [{"name": "d", "kind": "k"}], "links": {"intraServer": {"bandwidth": 0}}, "layers": [{"name": "a", "costs": {"k": {"fp32": 1}}}]}"#
        expectOne(zeroBandwidth, path: "links.intraServer.bandwidth", contains: "must be positive")
    }

    @Test func duplicateNamesAndKeys() {
        expectOne(Self.instance(#"[{"name": "a", "costs": {"xeon": {"fp32": 1}}}, {"name": "a", "costs": {"xeon": {"fp32": 1}}}]"#),
                  path: "layers[1].name", contains: "duplicate name 'a' (also layers[0])")
        expectOne(#"{"devices": [{"name": "d", "kind": "k"}, {"name": "d", "kind": "k"}], "layers": [{"name": "a", "costs": {"k": {"fp32": 1}}}]}"#,
                  path: "devices[1].name", contains: "duplicate name 'd'")
        expectOne(Self.instance(#"[{"name": "a", "costs": {"xeon": {"fp32": 1}, "xeon": {"fp32": 2}}}]"#), path: "layers[0].costs.xeon", contains: "duplicate key")
    }

    @Test func unknownPrecisionsDevicesAndKinds() {
        expectOne(Self.instance(#"[{"name": "a", "costs": {"xeon": {"fp8": 1}}}]"#), path: "layers[0].costs.xeon.fp8", contains: "unknown precision 'fp8'")
        expectOne(Self.instance(#"[{"name": "a", "costs": {"v100": {"fp32": 1}}}]"#), path: "layers[0].costs.v100", contains: "unknown device kind 'v100'")
        expectOne(Self.instance(#"[{"name": "a", "costs": {"xeon": {"fp32": 1}}, "pin": "tpu0"}]"#), path: "layers[0].pin", contains: "unknown device 'tpu0'")
        expectOne(Self.instance(Self.twoLayers, extra: #", "objective": "energy""#), path: "objective", contains: "unknown objective 'energy'")
    }

    @Test func edgesToUnknownLayersSelfLoopsAndDuplicates() {
        expectOne(Self.instance(Self.twoLayers, edges: #"[{"from": "a", "to": "z"}]"#), path: "edges[0].to", contains: "unknown layer 'z'")
        expectOne(Self.instance(Self.twoLayers, edges: #"[{"from": "a", "to": "a"}]"#), path: "edges[0]", contains: "to itself")
        expectOne(Self.instance(Self.twoLayers, edges: #"[{"from": "a", "to": "b"}, {"from": "a", "to": "b"}]"#), path: "edges[1]", contains: "duplicate edge 'a' → 'b' (also edges[0])")
    }

    @Test func cyclesNameTheLayersOnThem() {
        let layers = #"[{"name": "a", "costs": {"xeon": {"fp32": 1}}}, {"name": "b", "costs": {"xeon": {"fp32": 1}}}, {"name": "c", "costs": {"xeon": {"fp32": 1}}}, {"name": "d", "costs": {"xeon": {"fp32": 1}}}]"#
        let edges = #"[{"from": "d", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "c"}, {"from": "c", "to": "a"}]"#
        expectOne(Self.instance(layers, edges: edges), path: "edges", contains: "the layers form a cycle: 'a' → 'b' → 'c' → 'a'")
    }

    /// What leaves a layer no choice is no input error but a placement conflict (SPEC §7: the
    /// instance is infeasible), with its JSON path; the layers concerned have no options.
    func expectConflict(_ json: String, path: String, contains text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let problem = try Problem(json: JSONParser.parse(json))
        #expect(problem.placementConflicts.count == 1, sourceLocation: sourceLocation)
        let conflict = try #require(problem.placementConflicts.first, sourceLocation: sourceLocation)
        #expect(conflict.path == path && conflict.message.contains(text), "got: \(conflict)", sourceLocation: sourceLocation)
        #expect(problem.options.contains { $0.isEmpty }, sourceLocation: sourceLocation)
    }

    @Test func aLayerThatNoDeviceCanRunIsAConflict() throws {
        // Costs exist only at fp16, which no device supports.
        let json = """
            {"precisions": [{"name": "fp32", "bits": 32}, {"name": "fp16", "bits": 16}],
             "devices": [{"name": "cpu0", "kind": "xeon", "precisions": ["fp32"]}],
             "layers": [{"name": "a", "costs": {"xeon": {"fp16": 1}}}]}
            """
        try expectConflict(json, path: "layers[0].costs", contains: "layer 'a' cannot run on any device")
    }

    @Test func pinsAndGroupsThatCannotHoldAreConflicts() throws {
        try expectConflict(
            Self.instance(#"[{"name": "a", "costs": {"xeon": {"fp32": 1}}, "pin": "gpu0"}]"#), path: "layers[0].pin",
            contains: "pinned to 'gpu0', which cannot run it")
        let group = #"[{"name": "a", "costs": {"xeon": {"fp32": 1}}, "group": "g"}, {"name": "b", "costs": {"a100": {"fp32": 1}}, "group": "g"}]"#
        try expectConflict(Self.instance(group), path: "layers[0].group", contains: "group 'g' cannot hold")
        let pins = #"[{"name": "a", "costs": {"xeon": {"fp32": 1}, "a100": {"fp32": 1}}, "group": "g", "pin": "cpu0"}, {"name": "b", "costs": {"xeon": {"fp32": 1}, "a100": {"fp32": 1}}, "group": "g", "pin": "gpu0"}]"#
        try expectConflict(Self.instance(pins), path: "layers[0].group", contains: "group 'g' cannot hold")
        // A pin to a device that does not exist stays an input error.
        expectOne(Self.instance(#"[{"name": "a", "costs": {"xeon": {"fp32": 1}}, "pin": "gpu9"}]"#), path: "layers[0].pin", contains: "unknown device 'gpu9'")
    }

    @Test func missingLinksAreNamed() {
        let json = #"{"devices": [{"name": "d0", "kind": "k", "server": "s0"}, {"name": "d1", "kind": "k", "server": "s1"}], "links": {"intraServer": {"bandwidth": 1}}, "layers": [{"name": "a", "costs": {"k": {"fp32": 1}}}]}"#
        expectOne(json, path: "links.interServer", contains: "needed between 'd0' and 'd1'")
    }

    @Test func allErrorsAreReportedAtOnce() {
        let json = Self.instance(#"[{"name": "a", "costs": {"xeon": {"fp32": -1}}}, {"name": "b", "costs": {"v100": {"fp32": 1}}}]"#,
                                 edges: #"[{"from": "a", "to": "zz"}]"#)
        // (That no device can run `b` is a placement conflict, reported once the file is valid.)
        #expect(diagnostics(json).map(\.path) == ["layers[0].costs.xeon.fp32", "layers[1].costs.v100", "edges[0].to"])
    }

    @Test func groupsRestrictOptionsToCommonDevices() throws {
        let p = try problem(Self.instance(#"[{"name": "a", "costs": {"xeon": {"fp32": 1}, "a100": {"fp32": 1}}, "group": "g"}, {"name": "b", "costs": {"a100": {"fp32": 1}}, "group": "g"}]"#))
        #expect(p.options[0].map(\.device) == [1])
        #expect(p.groups == [[0, 1]])
    }

    @Test func interchangeableDevicesFormClasses() throws {
        let p = try problem("""
            {"devices": [{"name": "g0", "kind": "t4", "memory": 16e9}, {"name": "c0", "kind": "xeon"},
                         {"name": "g1", "kind": "t4", "memory": 16e9}, {"name": "g2", "kind": "t4", "memory": 8e9}],
             "links": {"intraServer": {"bandwidth": 1e9}},
             "layers": [{"name": "a", "costs": {"t4": {"fp32": 1}}}]}
            """)
        #expect(p.deviceClasses == [[0, 2], [1], [3]])
    }

    @Test func instanceRoundTripsThroughJSON() throws {
        let text = Self.instance(Self.twoLayers, edges: #"[{"from": "a", "to": "b", "bytes": 64}]"#, extra: #", "accuracyBudget": 0.5"#)
        let instance = try Instance(json: JSONParser.parse(text))
        let again = try Instance(json: JSONParser.parse(instance.json.serialized(pretty: true)))
        #expect(again == instance)
        #expect(instance.edges[0].elements == 16)  // 64 bytes at fp32
    }
}
