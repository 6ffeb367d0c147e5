import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PlacementModel
import Reports
import Testing

@Suite struct PlanChartTests {
    /// Counts elements by their class attribute, failing on malformed XML.
    final class Counter: NSObject, XMLParserDelegate {
        var classes: [String: Int] = [:]
        var titles = 0
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            if let kind = attributes["class"] { classes[kind, default: 0] += 1 }
            if name == "title" { titles += 1 }
        }
    }

    func parse(_ text: String) throws -> Counter {
        let parser = XMLParser(data: Data(text.utf8))
        let counter = Counter()
        parser.delegate = counter
        #expect(parser.parse(), "malformed SVG: \(String(describing: parser.parserError))")
        return counter
    }

    static let problem = try! Problem(Instance(
        name: "chart <&>",
        precisions: [.fp32, Precision(name: "fp16", bits: 16)],
        devices: [Device(name: "d0", kind: "k", memory: 1e9), Device(name: "d1", kind: "k", memory: 1e9)],
        links: Links(intraServer: Link(bandwidth: 100, latency: 1)),
        layers: (0..<5).map { Layer(name: "L\($0) \"x\"", outputElements: 100, costs: ["k": ["fp32": 2, "fp16": 1]]) },
        edges: [Edge(from: "L0 \"x\"", to: "L1 \"x\""), Edge(from: "L0 \"x\"", to: "L2 \"x\""), Edge(from: "L1 \"x\"", to: "L3 \"x\"")]))

    @Test func ganttHasOneBarPerLayerAndOnePerTransfer() throws {
        let assignment = Assignment(device: [0, 1, 1, 0, 0], precision: [0, 1, 0, 0, 1])
        let evaluation = Self.problem.evaluate(assignment)
        let chart = PlanChart(problem: Self.problem, assignment: assignment, evaluation: evaluation, objective: .latency)
        let counts = try parse(chart.svg())
        #expect(counts.classes["layer"] == 5)
        // L0 sends to d1 once (two consumers there); L1 sends to d0 once.
        #expect(counts.classes["transfer"] == 2)
        #expect(counts.classes["legend"] == 2)
        _ = try parse(chart.html().replacingOccurrences(of: "<!DOCTYPE html>", with: "").replacingOccurrences(of: "<meta charset=\"utf-8\">", with: ""))
    }

    @Test func loadChartHasABarPerDeviceAndLink() throws {
        let assignment = Assignment(device: [0, 1, 1, 0, 0], precision: [0, 0, 0, 0, 0])
        let evaluation = Self.problem.evaluate(assignment)
        let chart = PlanChart(problem: Self.problem, assignment: assignment, evaluation: evaluation, objective: .throughput)
        let counts = try parse(chart.svg())
        #expect(counts.classes["device"] == 2)
        #expect(counts.classes["link"] == evaluation.linkLoad.count)
        #expect(counts.titles == 2 + evaluation.linkLoad.count)
    }
}
